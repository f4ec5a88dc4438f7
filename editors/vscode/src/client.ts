// The language client for `ftls serve`: which documents it gets and how
// the settings, API key included, reach the server.

import * as vscode from 'vscode';
import {
  LanguageClient,
  ResponseError,
  type DocumentSelector,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import type { ServerSettings } from './config';
import { readServerSettings } from './settings';

/**
 * Datasets and plans, by language id and by path: a file the user has
 * associated with another language still reaches the server, which tells
 * datasets from plans by the path itself (lsp/document.go).
 */
export const documentSelector: DocumentSelector = [
  { language: 'jsonl' },
  { pattern: '**/*.jsonl' },
  { pattern: '**/*.ndjson' },
  { language: 'ftls-plan' },
  { pattern: '**/*.plan.yaml' },
  { pattern: '**/*.plan.yml' },
];

/**
 * initialSettings go in initializationOptions, because the server cannot
 * ask for its configuration before `initialized`; afterwards it pulls the
 * "ftls" section, which the middleware answers from the current settings
 * and secret storage, so later changes and restarts after a crash get
 * fresh values.
 */
export function createClient(
  command: string,
  initialSettings: ServerSettings,
  secrets: vscode.SecretStorage,
  output: vscode.OutputChannel,
): LanguageClient {
  // No transport: TransportKind.stdio would append --stdio, which `ftls
  // serve` rejects; without one the client talks over stdio all the same.
  const serverOptions: ServerOptions = { command, args: ['serve'] };
  const clientOptions: LanguageClientOptions = {
    documentSelector,
    initializationOptions: initialSettings,
    outputChannel: output,
    middleware: {
      workspace: {
        configuration: async (params, token, next) => {
          const answer = await next(params, token);
          if (answer instanceof ResponseError) return answer;
          const others: unknown[] = answer;
          // The raw section would carry the unset defaults ("" and null)
          // and no API key: answer with what initializationOptions holds.
          return Promise.all(
            params.items.map((item, i) =>
              item.section === 'ftls'
                ? readServerSettings(secrets, item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined)
                : others[i],
            ),
          );
        },
      },
    },
  };
  return new LanguageClient('ftls', 'ftls', serverOptions, clientOptions);
}
