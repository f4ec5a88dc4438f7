// The settings object sent to the server, built without VS Code.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serverSettings, type SettingReader } from '../src/config';

const reader =
  (values: Record<string, unknown>): SettingReader =>
  (key) =>
    values[key];

// The contributed defaults: each means "unset".
const defaults = {
  target: '',
  model: '',
  maxTokens: null,
  nearDuplicateThreshold: null,
  metadataKey: '',
  categoryField: '',
  rules: {},
  debounceMs: null,
  'generation.baseUrl': '',
  'generation.model': '',
};

test('unset settings are left out, so ftls.yaml and the plan apply', () => {
  assert.deepEqual(serverSettings(reader(defaults)), {});
  assert.deepEqual(serverSettings(reader({})), {});
});

test('every setting is sent under the server name', () => {
  const got = serverSettings(
    reader({
      target: 'generic',
      model: 'gpt-3.5-turbo',
      maxTokens: 4096,
      nearDuplicateThreshold: 0.9,
      metadataKey: 'meta',
      categoryField: 'meta.topic',
      rules: { C010: 'off', Q: 'info' },
      debounceMs: 0,
      'generation.baseUrl': 'http://127.0.0.1:11434/v1',
      'generation.model': 'llama3.1',
    }),
    'sk-test',
  );
  assert.deepEqual(got, {
    target: 'generic',
    model: 'gpt-3.5-turbo',
    maxTokens: 4096,
    nearDuplicateThreshold: 0.9,
    metadataKey: 'meta',
    categoryField: 'meta.topic',
    rules: { C010: 'off', Q: 'info' },
    debounceMs: 0,
    generation: { baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.1', apiKey: 'sk-test' },
  });
});

test('the API key alone makes a generation section', () => {
  assert.deepEqual(serverSettings(reader(defaults), 'sk-test'), { generation: { apiKey: 'sk-test' } });
  assert.deepEqual(serverSettings(reader(defaults), ''), {});
});

test('values of the wrong type are dropped, strings trimmed', () => {
  const got = serverSettings(
    reader({
      target: 5,
      model: '  gpt-4o-mini ',
      maxTokens: '100',
      nearDuplicateThreshold: Number.NaN,
      metadataKey: '   ',
      rules: { C010: 3, Q: 'info' },
      debounceMs: Number.POSITIVE_INFINITY,
    }),
  );
  assert.deepEqual(got, { model: 'gpt-4o-mini', rules: { Q: 'info' } });
  assert.deepEqual(serverSettings(reader({ rules: ['C010'] })), {});
  assert.deepEqual(serverSettings(reader({ rules: null })), {});
});
