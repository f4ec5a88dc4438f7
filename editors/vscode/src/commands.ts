// The commands the extension contributes. The dataset commands fill in
// what a code lens or code action would carry (the document, its version,
// the count) and hand over to the server's command of the same name.

import * as vscode from 'vscode';
import { documentSelector } from './client';
import { generateArgs, parseCount, reviewArgs, serverCommands, versionedArgs } from './commandArgs';
import type { ServerController } from './controller';
import { apiKeySecret } from './settings';

export function registerCommands(
  context: vscode.ExtensionContext,
  controller: ServerController,
  output: vscode.OutputChannel,
): void {
  const register = (id: string, run: () => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, run));

  register('ftls.showOutput', () => output.show(true));
  register('ftls.restart', () => controller.restart());
  register('ftls.setApiKey', () => setApiKey(context.secrets));

  register('ftls.client.generate', async () => {
    const doc = activeDocument();
    if (!doc) return;
    const input = await vscode.window.showInputBox({
      title: 'ftls: Generate examples',
      prompt: 'How many examples? Leave empty to generate what the plan still lacks.',
      placeHolder: 'what the plan still lacks',
      validateInput: (text) => {
        const count = parseCount(text);
        return count instanceof Error ? count.message : undefined;
      },
    });
    if (input === undefined) return; // dismissed
    const count = parseCount(input);
    if (count instanceof Error) return; // validateInput kept it from being accepted
    await controller.execute(serverCommands.generate, doc, (ref) => generateArgs(ref, count));
  });
  register('ftls.client.review', async () => {
    const doc = activeDocument();
    if (doc) await controller.execute(serverCommands.review, doc, (ref) => reviewArgs(ref));
  });
  register('ftls.client.splitValidation', async () => {
    const doc = activeDocument();
    if (doc) await controller.execute(serverCommands.splitValidation, doc, versionedArgs);
  });
  register('ftls.client.writeInfo', async () => {
    const doc = activeDocument();
    if (doc) await controller.execute(serverCommands.writeInfo, doc, versionedArgs);
  });
}

/** The active editor's document when the server handles it, else undefined after saying so. */
function activeDocument(): vscode.TextDocument | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  if (doc && vscode.languages.match(documentSelector, doc) > 0) return doc;
  void vscode.window.showErrorMessage('ftls: open a dataset (.jsonl) or a plan (.plan.yaml) in the editor first.');
  return undefined;
}

/** Stores the key in secret storage; an empty answer removes it. The server is told through the secrets' change event. */
async function setApiKey(secrets: vscode.SecretStorage): Promise<void> {
  const key = await vscode.window.showInputBox({
    title: 'ftls: Set API key',
    prompt: 'API key of the model provider that generates examples, kept in the secret storage of VS Code. Leave empty to remove it.',
    password: true,
    ignoreFocusOut: true,
  });
  if (key === undefined) return; // dismissed
  if (key.trim() === '') {
    await secrets.delete(apiKeySecret);
    void vscode.window.showInformationMessage('ftls: API key removed.');
  } else {
    await secrets.store(apiKeySecret, key.trim());
    void vscode.window.showInformationMessage('ftls: API key stored.');
  }
}
