// The extension's package.json, for the tests. They run compiled from
// out/test, two folders below the extension.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const extensionRoot = resolve(__dirname, '..', '..');

interface Manifest {
  contributes: {
    commands: { command: string }[];
    configuration: { properties: Record<string, unknown> };
  };
}

export const manifest = JSON.parse(readFileSync(resolve(extensionRoot, 'package.json'), 'utf8')) as Manifest;
