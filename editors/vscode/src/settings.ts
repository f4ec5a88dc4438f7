// Reads the server settings from VS Code: the "ftls" configuration section
// through the pure builder in config.ts, plus the API key, which lives in
// secret storage because settings files are plain text that gets synced,
// shared and committed.

import * as vscode from 'vscode';
import { serverSettings, type ServerSettings } from './config';

/** The secret storage key of the generation API key. */
export const apiKeySecret = 'ftls.generation.apiKey';

export async function readServerSettings(secrets: vscode.SecretStorage, scope?: vscode.Uri): Promise<ServerSettings> {
  const section = vscode.workspace.getConfiguration('ftls', scope);
  return serverSettings((key) => section.get(key), await secrets.get(apiKeySecret));
}
