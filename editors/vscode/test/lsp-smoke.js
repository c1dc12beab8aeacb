// Talks to the real `flowc lsp` the way the extension starts it (stdio, JSON-RPC with
// Content-Length framing, through the vscode-jsonrpc the language client bundles):
// initialize, open a file with an error, wait for its diagnostics, shut down.
//
//   node test/lsp-smoke.js path/to/flowc
'use strict';

const { spawn } = require('node:child_process');
const path = require('node:path');
const rpc = require('vscode-jsonrpc/node');

const flowc = process.argv[2];
if (!flowc) {
  console.error('usage: node test/lsp-smoke.js FLOWC');
  process.exit(2);
}

function fail(message) {
  console.error(`lsp-smoke: ${message}`);
  process.exit(1);
}

async function main() {
  const server = spawn(flowc, ['lsp'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => server.on('exit', (code) => resolve(code)));
  server.on('error', (error) => fail(`could not start ${flowc} lsp: ${error.message}`));
  const connection = rpc.createMessageConnection(
    new rpc.StreamMessageReader(server.stdout),
    new rpc.StreamMessageWriter(server.stdin),
  );
  const diagnostics = new Promise((resolve) =>
    connection.onNotification('textDocument/publishDiagnostics', (params) => resolve(params)),
  );
  connection.listen();
  const timer = setTimeout(() => fail('no answer within 20 s'), 20000);

  const uri = 'file://' + path.resolve('smoke.flow');
  const result = await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: null,
    capabilities: { general: { positionEncodings: ['utf-16'] } },
    clientInfo: { name: 'flowc-vscode-smoke' },
  });
  if (!result || !result.capabilities) fail(`initialize returned ${JSON.stringify(result)}`);
  if (!result.capabilities.textDocumentSync) fail('the server does not sync documents');
  await connection.sendNotification('initialized', {});
  await connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId: 'flowc', version: 1, text: 'process p {\n  owner\n}\n' },
  });
  const published = await diagnostics;
  if (published.uri !== uri) fail(`diagnostics for ${published.uri}, expected ${uri}`);
  if (!published.diagnostics.length) fail('no diagnostic for a file with a syntax error');
  await connection.sendRequest('shutdown');
  await connection.sendNotification('exit');
  const code = await exited;
  clearTimeout(timer);
  connection.dispose();
  if (code !== 0) fail(`flowc lsp exited with ${code} after shutdown and exit`);
  const name = result.serverInfo ? `${result.serverInfo.name} ${result.serverInfo.version || ''}`.trim() : 'server';
  console.log(`lsp-smoke: ${name}: initialize, ${published.diagnostics.length} diagnostic(s), clean exit`);
}

main().catch((error) => fail(error && error.stack ? error.stack : String(error)));
