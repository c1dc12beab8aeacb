// Parses Mermaid diagrams with mermaid's own parser: `mermaid.parse`, the function the
// renderer runs first. Reads the diagram from stdin, or each FILE given as an argument.
// Exit status: 0 when every diagram parses (one line per diagram on stdout with its
// type), 1 with the parser's error on stderr otherwise, 2 when mermaid is not installed.
//
//   node tests/views/mermaid-parse.mjs < diagram.mmd
//   node tests/views/mermaid-parse.mjs a.mmd b.mmd
//
// mermaid and jsdom are looked up in $FLOWC_VIEWS_NPM/node_modules (default:
// <repo>/.tools/npm-views, where scripts/install-views-tools.sh puts the pinned versions).
// mermaid sanitizes labels with DOMPurify, which needs a DOM: jsdom provides the window.

import { createRequire } from "node:module";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = process.env.FLOWC_VIEWS_NPM || fileURLToPath(new URL("../../.tools/npm-views/", import.meta.url));
const require = createRequire(join(root, "package.json"));

let jsdom, mermaidPath;
try {
  jsdom = require("jsdom");
  mermaidPath = require.resolve("mermaid");
} catch (e) {
  console.error(`mermaid-parse: mermaid or jsdom is not installed under ${root} (${e.code || e.message}); run: bash scripts/install-views-tools.sh`);
  process.exit(2);
}

const dom = new jsdom.JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import(pathToFileURL(mermaidPath).href);
mermaid.initialize({ startOnLoad: false });

async function readStdin() {
  let text = "";
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

const inputs = process.argv.length > 2 ? process.argv.slice(2) : ["-"];
for (const input of inputs) {
  const name = input === "-" ? "<stdin>" : input;
  const text = input === "-" ? await readStdin() : await readFile(input, "utf8");
  try {
    // With suppressErrors unset, parse throws on a diagram it cannot read.
    const result = await mermaid.parse(text);
    console.log(`${name}: ${result.diagramType}`);
  } catch (e) {
    console.error(`${name}: ${(e && (e.message || e.str)) || e}`);
    process.exit(1);
  }
}
