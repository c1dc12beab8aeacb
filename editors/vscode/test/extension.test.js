// Unit tests of extension.js outside VS Code: `vscode` and the language client are
// replaced by recording stubs. Run with `node --test test/` from editors/vscode.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Module = require('node:module');
const { test } = require('node:test');

const root = path.join(__dirname, '..');
const recorded = { messages: [], errors: [], clients: [], folding: [] };

const vscodeStub = {
  languages: {
    registerFoldingRangeProvider(selector, provider) {
      recorded.folding.push({ selector, provider });
      return { dispose() {} };
    },
  },
  window: {
    showInformationMessage(message) {
      recorded.messages.push(message);
    },
    showErrorMessage(message) {
      recorded.errors.push(message);
    },
  },
  workspace: {
    getConfiguration: () => ({ get: (key) => (key === 'path' ? recorded.configuredPath : undefined) }),
  },
  FoldingRange: class {
    constructor(start, end, kind) {
      Object.assign(this, { start, end, kind });
    }
  },
  FoldingRangeKind: { Comment: 1, Imports: 2, Region: 3 },
};

class LanguageClientStub {
  constructor(id, name, serverOptions, clientOptions) {
    Object.assign(this, { id, name, serverOptions, clientOptions, started: false });
    recorded.clients.push(this);
  }
  async start() {
    if (recorded.failStart) throw new Error('spawn failed');
    this.started = true;
  }
  async stop() {
    this.started = false;
  }
}

const originalLoad = Module._load;
Module._load = function load(request, ...rest) {
  if (request === 'vscode') return vscodeStub;
  if (request === 'vscode-languageclient/node') {
    return { LanguageClient: LanguageClientStub, TransportKind: { stdio: 0, ipc: 1, pipe: 2, socket: 3 } };
  }
  return originalLoad.call(this, request, ...rest);
};
const extension = require('../extension.js');

function reset(configuredPath) {
  recorded.messages = [];
  recorded.errors = [];
  recorded.clients = [];
  recorded.folding = [];
  recorded.configuredPath = configuredPath;
}

/** A directory holding an executable `flowc` that does nothing. */
function fakeFlowcDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowc-ext-'));
  const exe = path.join(dir, 'flowc');
  fs.writeFileSync(exe, '#!/bin/sh\nexit 0\n');
  fs.chmodSync(exe, 0o755);
  return { dir, exe };
}

async function withPath(value, body) {
  const saved = process.env.PATH;
  process.env.PATH = value;
  try {
    return await body();
  } finally {
    process.env.PATH = saved;
  }
}

test('without flowc on the PATH: a message, no client, folding still registered', async () => {
  reset(undefined);
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'flowc-ext-empty-'));
  await withPath(empty, () => extension.activate({ subscriptions: [] }));
  assert.equal(recorded.clients.length, 0);
  assert.equal(recorded.messages.length, 1);
  assert.match(recorded.messages[0], /`flowc` was not found on the PATH/);
  assert.equal(recorded.folding.length, 1);
  assert.deepEqual(recorded.folding[0].selector, { language: 'flowc' });
  assert.equal(extension.deactivate(), undefined);
});

test('with flowc on the PATH: starts `flowc lsp` over stdio', async () => {
  reset(undefined);
  const { dir, exe } = fakeFlowcDir();
  await withPath(`/nonexistent${path.delimiter}${dir}`, () => extension.activate({ subscriptions: [] }));
  assert.equal(recorded.messages.length, 0);
  assert.equal(recorded.clients.length, 1);
  const client = recorded.clients[0];
  assert.equal(client.id, 'flowc');
  assert.deepEqual(client.serverOptions, { command: exe, args: ['lsp'], transport: 0 });
  assert.deepEqual(
    client.clientOptions.documentSelector.map((s) => s.language),
    ['flowc', 'flowc'],
  );
  assert.equal(client.started, true);
  await extension.deactivate();
  assert.equal(client.started, false);
});

test('the flowc.path setting: a path is used as is, a missing one is reported', async () => {
  const { exe } = fakeFlowcDir();
  reset(exe);
  await withPath('', () => extension.activate({ subscriptions: [] }));
  assert.equal(recorded.clients.length, 1);
  assert.equal(recorded.clients[0].serverOptions.command, exe);
  await extension.deactivate();

  reset('/nonexistent/flowc');
  await withPath('', () => extension.activate({ subscriptions: [] }));
  assert.equal(recorded.clients.length, 0);
  assert.match(recorded.messages[0], /`\/nonexistent\/flowc` was not found/);
});

test('a server that cannot start: an error message, and deactivate has nothing to stop', async () => {
  reset(undefined);
  recorded.failStart = true;
  const { dir } = fakeFlowcDir();
  try {
    await withPath(dir, () => extension.activate({ subscriptions: [] }));
  } finally {
    recorded.failStart = false;
  }
  assert.equal(recorded.errors.length, 1);
  assert.match(recorded.errors[0], /could not be started: Error: spawn failed/);
  assert.equal(extension.deactivate(), undefined);
});

test('findExecutable skips files that are not executable', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowc-ext-noexec-'));
  fs.writeFileSync(path.join(dir, 'flowc'), '');
  fs.chmodSync(path.join(dir, 'flowc'), 0o644);
  assert.equal(extension.findExecutable('flowc', { PATH: dir }), undefined);
  fs.mkdirSync(path.join(dir, 'sub'));
  assert.equal(extension.findExecutable('sub', { PATH: dir }), undefined);
});

test('folding: braces, block comments and """ strings; braces in strings do not count', () => {
  const text = [
    'roles {', // 0
    '  a = team "{"', // 1
    '}', // 2
    'process p {', // 3
    '  /* a', // 4
    '     b */', // 5
    '  activity x { step "}" }', // 6
    '  activity y {', // 7
    '    step """', // 8
    '      echo "}" \\', // 9
    '      """', // 10
    '  }', // 11
    '  // {', // 12
    '}', // 13
  ].join('\n');
  const ranges = extension.braceFoldingRanges(text);
  const key = (r) => `${r.start}-${r.end}-${r.kind}`;
  assert.deepEqual(ranges.map(key).sort(), [
    '0-1-region',
    '3-12-region',
    '4-5-comment',
    '7-10-region',
    '8-10-region',
  ]);
});

test('folding ranges are handed to VS Code as FoldingRange objects', async () => {
  reset(undefined);
  await withPath('', () => extension.activate({ subscriptions: [] }));
  const example = fs.readFileSync(path.join(root, '..', '..', 'examples', 'rust-ci.flow'), 'utf8');
  const ranges = recorded.folding[0].provider.provideFoldingRanges({ getText: () => example });
  assert.ok(ranges.length > 5);
  assert.ok(ranges.every((r) => r instanceof vscodeStub.FoldingRange && r.end > r.start));
});

test('vscode-languageclient is installed where the extension (and the .vsix) load it from', () => {
  const resolved = require.resolve('vscode-languageclient/node', { paths: [root] });
  assert.ok(resolved.startsWith(path.join(root, 'node_modules')));
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const installed = JSON.parse(
    fs.readFileSync(path.join(root, 'node_modules', 'vscode-languageclient', 'package.json'), 'utf8'),
  );
  assert.equal(installed.version, manifest.dependencies['vscode-languageclient']);
});

test('package.json contributes the language, the grammar and its configuration', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const [language] = manifest.contributes.languages;
  assert.equal(language.id, 'flowc');
  assert.deepEqual(language.extensions, ['.flow']);
  const [grammar] = manifest.contributes.grammars;
  assert.equal(grammar.scopeName, 'source.flowc');
  const tm = JSON.parse(fs.readFileSync(path.join(root, grammar.path), 'utf8'));
  assert.equal(tm.scopeName, 'source.flowc');
  const config = JSON.parse(fs.readFileSync(path.join(root, language.configuration), 'utf8'));
  assert.equal(config.comments.lineComment, '//');
  assert.deepEqual(config.comments.blockComment, ['/*', '*/']);
  assert.ok(config.autoClosingPairs.some((p) => p.open === '"'));
  assert.equal(manifest.main, './extension.js');
});
