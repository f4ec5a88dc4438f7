// Entry point: wires the output, the status bar item, the server and the
// commands together, and follows setting and API key changes.

import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { ServerController } from './controller';
import { apiKeySecret } from './settings';
import { ServerStatus } from './status';

let controller: ServerController | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('ftls');
  const status = new ServerStatus('ftls.showOutput');
  controller = new ServerController(context.secrets, output, status, context.extensionPath);
  const server = controller;
  context.subscriptions.push(output, status);
  registerCommands(context, server, output);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      // A new binary needs a new process; every other setting the running
      // server takes as it is.
      if (e.affectsConfiguration('ftls.path')) void server.restart();
      else if (e.affectsConfiguration('ftls')) void server.pushSettings();
    }),
    context.secrets.onDidChange((e) => {
      if (e.key === apiKeySecret) void server.pushSettings();
    }),
  );
  // Not awaited: activation need not wait for the server, whose progress
  // shows in the status bar.
  void server.start();
}

export function deactivate(): Promise<void> | undefined {
  return controller?.stop();
}
