// package.json against the code and the server: a setting for every server
// option, no command id the server also registers.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { serverSettings } from '../src/config';
import { serverCommands } from '../src/commandArgs';
import { extensionRoot, manifest } from './manifest';

const contributed = Object.keys(manifest.contributes.configuration.properties);

// Settings the client itself uses rather than sends.
const clientOnly = ['ftls.path', 'ftls.trace.server'];

test('every setting the builder reads is contributed, and every contributed one is read', () => {
  const read: string[] = [];
  serverSettings((key) => {
    read.push(`ftls.${key}`);
    return undefined;
  });
  assert.deepEqual([...read].sort(), contributed.filter((k) => !clientOnly.includes(k)).sort());
});

test('the settings sent use the json names of lsp/clientsettings.go', () => {
  const goSource = readFileSync(resolve(extensionRoot, '..', '..', 'lsp', 'clientsettings.go'), 'utf8');
  const tags = new Set([...goSource.matchAll(/json:"(\w+)"/g)].map((m) => m[1]));
  const all = serverSettings(
    (key) => ({ maxTokens: 1, nearDuplicateThreshold: 0.5, debounceMs: 1, rules: { Q: 'info' } })[key] ?? 'x',
    'key',
  );
  const names = [...Object.keys(all), ...Object.keys(all.generation ?? {})];
  assert.equal(names.length, 12); // every field set, none missed
  for (const name of names) assert.ok(tags.has(name), `lsp/clientsettings.go has no field "${name}"`);
});

test('no contributed command has the id of a server command', () => {
  const ids = manifest.contributes.commands.map((c) => c.command);
  for (const id of Object.values(serverCommands)) assert.ok(!ids.includes(id), id);
});

test('the API key is no setting', () => {
  assert.ok(!contributed.some((k) => /key/i.test(k) && k !== 'ftls.metadataKey'), contributed.join(', '));
});
