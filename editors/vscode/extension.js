// The flowc extension: folding on braces, and the flowc language server (`flowc lsp`)
// when the `flowc` executable can be found. Plain JavaScript, no build step.
'use strict';

const fs = require('fs');
const path = require('path');
const vscode = require('vscode');

/** @type {import('vscode-languageclient/node').LanguageClient | undefined} */
let client;

/**
 * Finds an executable the way a shell would: a name with a path separator is taken as
 * is, any other name is looked up in the directories of PATH (with PATHEXT on Windows).
 * Returns the full path, or undefined when there is none.
 */
function findExecutable(command, env = process.env, platform = process.platform) {
  if (!command) {
    return undefined;
  }
  const isWindows = platform === 'win32';
  const extensions = isWindows
    ? ['', ...(env.PATHEXT || '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean)]
    : [''];
  const isFile = (candidate) => {
    try {
      if (!fs.statSync(candidate).isFile()) {
        return false;
      }
      if (!isWindows) {
        fs.accessSync(candidate, fs.constants.X_OK);
      }
      return true;
    } catch {
      return false;
    }
  };
  if (command.includes('/') || (isWindows && command.includes('\\'))) {
    return extensions.map((ext) => command + ext).find(isFile);
  }
  const pathVariable = env.PATH || env.Path || '';
  const delimiter = isWindows ? ';' : ':';
  for (const dir of pathVariable.split(delimiter)) {
    if (!dir) {
      continue;
    }
    for (const ext of extensions) {
      const candidate = path.join(dir, command + ext);
      if (isFile(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

/**
 * Folding ranges for every `{ ... }` block spanning several lines, and for block
 * comments and `"""` strings. Braces inside strings and comments do not count.
 * Lines are counted from 0.
 */
function braceFoldingRanges(text) {
  const ranges = [];
  const open = [];
  let line = 0;
  let i = 0;
  const n = text.length;
  const startsWith = (s) => text.startsWith(s, i);
  while (i < n) {
    const c = text[i];
    if (c === '\n') {
      line += 1;
      i += 1;
    } else if (startsWith('//')) {
      while (i < n && text[i] !== '\n') i += 1;
    } else if (startsWith('/*') || startsWith('"""')) {
      const close = startsWith('/*') ? '*/' : '"""';
      const first = line;
      i += close === '*/' ? 2 : 3;
      // neither ends before its closing delimiter, whatever precedes it
      while (i < n && !startsWith(close)) {
        if (text[i] === '\n') line += 1;
        i += 1;
      }
      i += close.length;
      if (line > first) {
        ranges.push({ start: first, end: line, kind: close === '*/' ? 'comment' : 'region' });
      }
    } else if (c === '"') {
      i += 1;
      while (i < n && text[i] !== '"' && text[i] !== '\n') {
        i += text[i] === '\\' && text[i + 1] !== '\n' ? 2 : 1;
      }
      if (text[i] === '"') i += 1;
    } else if (c === '{') {
      open.push(line);
      i += 1;
    } else if (c === '}') {
      const start = open.pop();
      // the closing line stays visible
      if (start !== undefined && line - 1 > start) {
        ranges.push({ start, end: line - 1, kind: 'region' });
      }
      i += 1;
    } else {
      i += 1;
    }
  }
  return ranges;
}

async function activate(context) {
  context.subscriptions.push(
    vscode.languages.registerFoldingRangeProvider(
      { language: 'flowc' },
      {
        provideFoldingRanges(document) {
          return braceFoldingRanges(document.getText()).map(
            (r) =>
              new vscode.FoldingRange(
                r.start,
                r.end,
                r.kind === 'comment' ? vscode.FoldingRangeKind.Comment : vscode.FoldingRangeKind.Region,
              ),
          );
        },
      },
    ),
  );

  const configured = vscode.workspace.getConfiguration('flowc').get('path') || 'flowc';
  const command = findExecutable(configured);
  if (!command) {
    vscode.window.showInformationMessage(
      `flowc: \`${configured}\` was not found on the PATH, so the flowc language server ` +
        '(diagnostics, go to definition, completion, formatting) is not started. ' +
        'Highlighting works without it. Install flowc, or set "flowc.path", then reload the window.',
    );
    return;
  }

  // Loaded only when there is a server to talk to.
  const { LanguageClient, TransportKind } = require('vscode-languageclient/node');
  client = new LanguageClient(
    'flowc',
    'flowc language server',
    { command, args: ['lsp'], transport: TransportKind.stdio },
    {
      documentSelector: [
        { scheme: 'file', language: 'flowc' },
        { scheme: 'untitled', language: 'flowc' },
      ],
    },
  );
  try {
    await client.start();
  } catch (error) {
    client = undefined;
    vscode.window.showErrorMessage(`flowc: \`${command} lsp\` could not be started: ${error}`);
  }
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate, findExecutable, braceFoldingRanges };
