// Starts, restarts and stops the language server, keeps the status bar in
// step with it, and sends it commands and settings.

import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  State,
  type LanguageClient,
} from 'vscode-languageclient/node';
import { bundledPath, locateServer, type ServerBinary } from './binary';
import { createClient } from './client';
import type { DocumentRef } from './commandArgs';
import { readServerSettings } from './settings';
import type { ServerStatus } from './status';

export class ServerController {
  private client: LanguageClient | undefined;
  // Starts and stops run one after the other: a restart requested while
  // the server is still starting must not leave two servers running.
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly output: vscode.OutputChannel,
    private readonly status: ServerStatus,
    private readonly extensionPath: string,
  ) {}

  start(): Promise<void> {
    return this.enqueue(() => this.startNow());
  }

  restart(): Promise<void> {
    return this.enqueue(async () => {
      await this.stopNow();
      await this.startNow();
    });
  }

  stop(): Promise<void> {
    return this.enqueue(() => this.stopNow());
  }

  /** Tells the server its settings changed; it pulls them through the client's middleware. */
  async pushSettings(): Promise<void> {
    const client = this.client;
    if (!client?.isRunning()) return;
    const settings = await readServerSettings(this.secrets);
    await client.sendNotification(DidChangeConfigurationNotification.type, { settings: { ftls: settings } });
  }

  /** Runs a server command on doc; the server's refusal is shown as an error message. */
  async execute(command: string, doc: vscode.TextDocument, args: (doc: DocumentRef) => object): Promise<void> {
    const client = this.client;
    if (!client?.isRunning()) {
      const choice = await vscode.window.showErrorMessage('ftls: the language server is not running.', 'Restart', 'Show Output');
      if (choice === 'Restart') await this.restart();
      if (choice === 'Show Output') this.output.show(true);
      return;
    }
    // The URI exactly as the client sent it in didOpen, which is how the
    // server finds the document.
    const ref = { uri: client.code2ProtocolConverter.asUri(doc.uri), version: doc.version };
    try {
      await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: [args(ref)] });
    } catch (err) {
      void vscode.window.showErrorMessage(`ftls: ${errorText(err)}`);
    }
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(step, step);
    return this.queue;
  }

  private async startNow(): Promise<void> {
    this.status.starting();
    let binary: ServerBinary;
    try {
      binary = await locateServer(
        vscode.workspace.getConfiguration('ftls').get<string>('path'),
        process.env,
        bundledPath(this.extensionPath),
      );
    } catch (err) {
      this.output.appendLine(errorText(err));
      this.status.stopped('ftls binary not found');
      void this.offerSettings(`ftls: ${errorText(err)}`);
      return;
    }
    if (binary.configuredFailure) {
      const msg = `ftls: ${binary.configuredFailure}; using ${binary.command} (${binary.version}) instead.`;
      this.output.appendLine(msg);
      void vscode.window.showWarningMessage(msg);
    }
    try {
      await this.launch(binary);
    } catch (err) {
      this.output.appendLine(`The server failed to start: ${errorText(err)}`);
      this.status.stopped(errorText(err));
    }
  }

  private async launch(binary: ServerBinary): Promise<void> {
    this.output.appendLine(`Starting ${binary.command} serve (${binary.version})`);
    const client = createClient(binary.command, await readServerSettings(this.secrets), this.secrets, this.output);
    client.onDidChangeState((e) => {
      if (e.newState === State.Running) this.status.running(binary.version);
      else if (e.newState === State.Starting) this.status.starting();
      // A stop this controller asked for has already cleared this.client;
      // any other stop means the server exited and the client gave up
      // restarting it.
      else if (this.client === client) this.status.stopped('the server exited; see the output');
    });
    this.client = client;
    await client.start();
  }

  private async stopNow(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    try {
      // dispose() stops the server (shutdown, exit, then kill). A client
      // that failed to start or gave up after crashes has no server left
      // and would reject it.
      if (client.isRunning()) await client.dispose();
    } catch (err) {
      this.output.appendLine(`Stopping the server: ${errorText(err)}`);
    }
    this.status.stopped();
  }

  private async offerSettings(message: string): Promise<void> {
    const choice = await vscode.window.showErrorMessage(message, 'Open Settings', 'Show Output');
    if (choice === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', 'ftls.path');
    if (choice === 'Show Output') this.output.show(true);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
