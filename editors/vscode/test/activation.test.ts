// Activates the built bundle (out/extension.js) against the fake `vscode`
// module: with no binary; with a fake ftls server that records what it
// receives (the launch arguments, the settings with the API key in
// initializationOptions and in the configuration answers, the arguments of
// the palette commands); and with the real one (FTLS_BINARY), which must
// start from what the client sends and accept every setting.

import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { installHint } from '../src/binary';
import { fileUri, installFakeVscode } from './fakeVscode';
import { extensionRoot, manifest } from './manifest';

const binary = process.env.FTLS_BINARY ?? '';
const { state, context } = installFakeVscode();
// Loaded after the fake is in place, as VS Code would load it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const extension = require(join(extensionRoot, 'out', 'extension.js')) as {
  activate(ctx: unknown): void;
  deactivate(): Promise<void> | undefined;
};

let dir: string;
let fakeServer: string;
let received: string; // the fake server's record, one JSON value a line

// Answers `version`, then speaks just enough LSP to record initialize,
// every workspace/configuration answer (pulled after initialized and
// after each didChangeConfiguration, as ftls does) and executeCommand.
const fakeServerSource = (protocol: string, record: string) => `#!/usr/bin/env node
const fs = require('fs');
if (process.argv[2] === 'version') { console.log('ftls fake'); process.exit(0); }
const p = require(${JSON.stringify(protocol)});
const record = (v) => fs.appendFileSync(${JSON.stringify(record)}, JSON.stringify(v) + '\\n');
const conn = p.createProtocolConnection(new p.StreamMessageReader(process.stdin), new p.StreamMessageWriter(process.stdout));
const pull = async () => record({ configuration: await conn.sendRequest('workspace/configuration', { items: [{ section: 'ftls' }] }) });
conn.onRequest('initialize', (params) => {
  record({ args: process.argv.slice(2), initializationOptions: params.initializationOptions });
  return { capabilities: { executeCommandProvider: { commands: ['ftls.generate', 'ftls.splitValidation', 'ftls.writeInfo'] } } };
});
conn.onNotification('initialized', pull);
conn.onNotification('workspace/didChangeConfiguration', pull);
conn.onRequest('workspace/executeCommand', (params) => { record({ executeCommand: params }); return null; });
conn.onRequest('shutdown', () => null);
conn.onNotification('exit', () => process.exit(0));
conn.listen();
`;

function records(): Record<string, unknown>[] {
  try {
    return readFileSync(received, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  } catch {
    return [];
  }
}

async function waitFor<T>(what: string, get: () => T | undefined, ms = 10_000): Promise<T> {
  for (const stop = Date.now() + ms; Date.now() < stop; ) {
    const v = get();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting for ${what}; messages: ${JSON.stringify(state.messages)}`);
}

/** As VS Code does: deactivate, then dispose the subscriptions. */
async function deactivate(): Promise<void> {
  await extension.deactivate();
  for (const d of context.subscriptions.splice(0)) d.dispose();
}

const recorded = (key: string, n = 1) => waitFor(`${n} × ${key}`, () => records().filter((r) => key in r)[n - 1]?.[key]);

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'ftls-activation-'));
  received = join(dir, 'received.jsonl');
  fakeServer = join(dir, 'fake-ftls');
  writeFileSync(fakeServer, fakeServerSource(require.resolve('vscode-languageserver-protocol/node'), received));
  chmodSync(fakeServer, 0o755);
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('without a binary: an error naming the setting and the install command', async () => {
  const path = process.env.PATH;
  process.env.PATH = dir; // holds no "ftls"
  try {
    state.settings = { 'ftls.path': join(dir, 'missing') };
    extension.activate(context);
    const error = await waitFor('an error message', () => state.messages.find((m) => m.level === 'error'));
    assert.match(error.text, /"ftls\.path"/);
    assert.ok(error.text.includes(installHint), error.text);
    assert.equal(state.status.text, '$(error) ftls');
  } finally {
    process.env.PATH = path;
  }
  // Every contributed command has a handler, even with no server.
  for (const { command } of manifest.contributes.commands) assert.ok(state.commands.has(command), command);
  await deactivate();
  state.messages = [];
});

test('with the binary: settings and API key reach the server, commands their arguments', async () => {
  state.settings = { 'ftls.path': fakeServer, 'ftls.target': 'generic', 'ftls.generation.model': 'llama3.1' };
  state.secrets.set('ftls.generation.apiKey', 'sk-first');
  extension.activate(context);
  await waitFor('the running status', () => (state.status.text === '$(check) ftls' ? true : undefined));
  assert.match(state.status.tooltip, /^ftls fake: running\n/);

  const first = { target: 'generic', generation: { model: 'llama3.1', apiKey: 'sk-first' } };
  assert.deepEqual(records()[0], { args: ['serve'], initializationOptions: first });
  assert.deepEqual(await recorded('configuration'), [first]);
  // The server's commands are registered by the client beside ours.
  for (const id of ['ftls.generate', 'ftls.splitValidation', 'ftls.writeInfo']) assert.ok(state.commands.has(id), id);

  state.inputs.push('sk-second');
  await state.commands.get('ftls.setApiKey')?.();
  assert.deepEqual(await recorded('configuration', 2), [{ ...first, generation: { model: 'llama3.1', apiKey: 'sk-second' } }]);

  const uri = fileUri('/data/train.jsonl');
  state.activeDocument = { uri, version: 3, languageId: 'jsonl' };
  await state.commands.get('ftls.client.writeInfo')?.();
  assert.deepEqual(await recorded('executeCommand'), {
    command: 'ftls.writeInfo',
    arguments: [{ uri: uri.toString(), version: 3 }],
  });
  state.inputs.push('12');
  await state.commands.get('ftls.client.generate')?.();
  assert.deepEqual(await recorded('executeCommand', 2), {
    command: 'ftls.generate',
    arguments: [{ uri: uri.toString(), version: 3, count: 12 }],
  });
  await state.commands.get('ftls.client.review')?.();
  assert.deepEqual(await recorded('executeCommand', 3), {
    command: 'ftls.review',
    arguments: [{ uri: uri.toString(), version: 3 }],
  });

  await deactivate();
  assert.equal(state.status.text, '$(circle-slash) ftls');
  assert.deepEqual(
    state.messages.filter((m) => m.level !== 'info'),
    [],
  );
});

// Every setting with a valid value: the server says nothing. debounceMs
// out of its range: the server's warning shows the settings arrive.
test('the real server starts and takes the settings', async () => {
  assert.ok(binary, 'FTLS_BINARY is not set');
  const valid = {
    'ftls.path': binary,
    'ftls.target': 'generic',
    'ftls.model': 'gpt-3.5-turbo',
    'ftls.maxTokens': 4096,
    'ftls.nearDuplicateThreshold': 0.9,
    'ftls.metadataKey': 'meta',
    'ftls.categoryField': 'meta.topic',
    'ftls.rules': { C010: 'off', Q: 'info' },
    'ftls.debounceMs': 50,
    'ftls.generation.baseUrl': 'http://127.0.0.1:9/v1',
    'ftls.generation.model': 'llama3.1',
  };
  for (const [settings, warning] of [
    [valid, undefined],
    [{ ...valid, 'ftls.debounceMs': 20000 }, /debounceMs must be between 0 and 10000/],
  ] as const) {
    state.messages = [];
    state.settings = settings;
    extension.activate(context);
    await waitFor('the running status', () => (state.status.text === '$(check) ftls' ? true : undefined));
    if (warning) {
      const m = await waitFor('a warning', () => state.messages.find((m) => m.level === 'warning'));
      assert.match(m.text, warning);
    } else {
      // Time for the configuration pull that follows initialized.
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(state.messages, []);
    }
    await deactivate();
  }
});
