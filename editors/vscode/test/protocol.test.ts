// Drives the real `ftls serve` (FTLS_BINARY, an absolute path) over stdio
// the way the extension's client does: the settings from config.ts in
// initializationOptions and in the workspace/configuration answer, the
// command arguments from commandArgs.ts, the fixtures opened under their
// language ids.

import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  ApplyWorkspaceEditRequest,
  ConfigurationRequest,
  DidOpenTextDocumentNotification,
  ExecuteCommandRequest,
  ExitNotification,
  InitializeRequest,
  InitializedNotification,
  PublishDiagnosticsNotification,
  ShowDocumentRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  createProtocolConnection,
  type ApplyWorkspaceEditParams,
  type ConfigurationParams,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type ShowDocumentParams,
} from 'vscode-languageserver-protocol/node';
import { generateArgs, serverCommands, versionedArgs } from '../src/commandArgs';
import { serverSettings } from '../src/config';
import { extensionRoot, manifest } from './manifest';

const binary = process.env.FTLS_BINARY ?? '';
const fixtures = join(extensionRoot, 'test', 'fixtures');
const apiKey = 'sk-protocol-test-4711';

// target generic turns off C018 (fewer than 10 examples, an OpenAI rule)
// and the rules map turns off J003 (blank line): their absence shows the
// settings arrived.
const settings = serverSettings((key) => ({ target: 'generic', rules: { J003: 'off' } })[key], apiKey);

/** A diagnostic as the test compares it: code and zero-based range. */
type Found = [code: string, line: number, start: number, endLine: number, end: number];

describe('ftls serve', { timeout: 60_000 }, () => {
  let child: ChildProcessWithoutNullStreams;
  let conn: ProtocolConnection;
  let dir: string;
  let init: InitializeResult;
  let stderr = '';
  let exitCode: number | null | undefined;
  const published = new Map<string, PublishDiagnosticsParams>();
  const configRequests: ConfigurationParams[] = [];
  const edits: ApplyWorkspaceEditParams[] = [];
  const shown: ShowDocumentParams[] = [];

  const uriOf = (name: string) => pathToFileURL(join(dir, name)).href;

  /** Polls until get returns a value; the server's log is in the failure. */
  async function waitFor<T>(what: string, get: () => T | undefined, ms = 10_000): Promise<T> {
    for (const stop = Date.now() + ms; Date.now() < stop; ) {
      const v = get();
      if (v !== undefined) return v;
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.fail(`timed out waiting for ${what}; server log:\n${stderr.slice(-2000)}`);
  }

  function open(name: string, languageId: string): string {
    const uri = uriOf(name);
    const text = readFileSync(join(dir, name), 'utf8');
    void conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
    return uri;
  }

  async function diagnosticsOf(uri: string): Promise<Found[]> {
    const p = await waitFor(`diagnostics of ${uri}`, () => published.get(uri));
    return p.diagnostics
      .map((d): Found => [String(d.code), d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character])
      .sort((a, b) => a[1] - b[1] || a[2] - b[2]);
  }

  before(async () => {
    assert.ok(isAbsolute(binary), `FTLS_BINARY must be the absolute path of the ftls binary, got "${binary}"`);
    // A folder of its own, so that no ftls.yaml or plan around the
    // repository applies to the fixtures.
    dir = mkdtempSync(join(tmpdir(), 'ftls-vscode-'));
    for (const name of ['flawed.jsonl', 'support.plan.yaml']) copyFileSync(join(fixtures, name), join(dir, name));

    child = spawn(binary, ['serve'], { cwd: dir, stdio: 'pipe' });
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('exit', (code) => (exitCode = code));
    conn = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    conn.onRequest(ConfigurationRequest.type, (p) => {
      configRequests.push(p);
      return p.items.map((item) => (item.section === 'ftls' ? settings : null));
    });
    conn.onRequest(ApplyWorkspaceEditRequest.type, (p) => {
      edits.push(p);
      return { applied: true };
    });
    conn.onRequest(ShowDocumentRequest.type, (p) => {
      shown.push(p);
      return { success: true };
    });
    conn.onNotification(PublishDiagnosticsNotification.type, (p) => published.set(p.uri, p));
    conn.listen();

    init = await conn.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(dir).href,
      workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'fixtures' }],
      initializationOptions: settings,
      capabilities: {
        workspace: {
          configuration: true,
          workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] },
        },
        textDocument: { publishDiagnostics: { relatedInformation: true } },
        window: { showDocument: { support: true } },
      },
    });
    await conn.sendNotification(InitializedNotification.type, {});
  });

  after(async () => {
    if (conn && exitCode === undefined) {
      await conn.sendRequest(ShutdownRequest.type);
      await conn.sendNotification(ExitNotification.type);
      await waitFor('the server to exit after exit', () => exitCode, 5_000).finally(() => {
        if (exitCode === undefined) child.kill();
      });
      conn.dispose();
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
    assert.equal(exitCode, 0, `exit status; server log:\n${stderr.slice(-2000)}`);
  });

  test('advertises the commands the client sends, and none of the client ids', () => {
    const commands = init.capabilities.executeCommandProvider?.commands ?? [];
    for (const id of Object.values(serverCommands)) assert.ok(commands.includes(id), `server lacks ${id}`);
    for (const { command } of manifest.contributes.commands) assert.ok(!commands.includes(command), `${command} clashes`);
  });

  test('pulls the ftls section after initialized', async () => {
    const p = await waitFor('workspace/configuration', () => configRequests[0]);
    assert.deepEqual(
      p.items.map((i) => i.section),
      ['ftls'],
    );
  });

  test('publishes the dataset findings with the settings applied', async () => {
    const uri = open('flawed.jsonl', 'jsonl');
    assert.deepEqual(await diagnosticsOf(uri), [
      ['C005', 0, 68, 0, 78], // role "asistant"
      ['J001', 3, 122, 3, 123], // trailing comma
      ['C009', 4, 12, 4, 48], // no assistant message
    ]);
  });

  test('checks a plan opened as ftls-plan', async () => {
    const uri = open('support.plan.yaml', 'ftls-plan');
    assert.deepEqual(await diagnosticsOf(uri), [
      ['P002', 7, 0, 7, 6], // unknown key "colour"
      ['P006', 9, 9, 9, 22], // output.train missing
    ]);
  });

  test('takes the generate arguments', async () => {
    // The plan trains another file, so none governs this one: the error
    // proves the server found the document by the client's uri.
    const args = generateArgs({ uri: uriOf('flawed.jsonl'), version: 1 }, 5);
    await assert.rejects(
      conn.sendRequest(ExecuteCommandRequest.type, { command: serverCommands.generate, arguments: [args] }),
      /no plan governs flawed\.jsonl/,
    );
  });

  test('writes dataset_info.txt on disk and shows it, refusing a stale version', async () => {
    const run = (version: number) =>
      conn.sendRequest(ExecuteCommandRequest.type, {
        command: serverCommands.writeInfo,
        arguments: [versionedArgs({ uri: uriOf('flawed.jsonl'), version })],
      });
    await assert.rejects(run(0), /changed since version 0/);
    await run(1);
    // Written by the server itself, with exactly one final newline: a
    // create-and-edit left an empty file until the user saved it.
    const show = await waitFor('window/showDocument', () => shown[0]);
    assert.equal(show.uri, uriOf('dataset_info.txt'));
    assert.ok(!show.takeFocus, 'the info file is shown without taking the focus');
    const text = readFileSync(join(dir, 'dataset_info.txt'), 'utf8');
    assert.ok(text.includes('flawed.jsonl'), 'the info text names the dataset');
    assert.ok(text.endsWith('\n') && !text.endsWith('\n\n'), 'the info file ends in exactly one newline');
    assert.equal(edits.length, 0, 'no edit is sent for the info file');
  });

  test('never logs the API key', () => {
    assert.ok(!stderr.includes(apiKey));
  });
});
