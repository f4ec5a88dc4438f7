// The arguments of the server commands the palette commands send.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateArgs, parseCount, reviewArgs, versionedArgs } from '../src/commandArgs';

const doc = { uri: 'file:///data/train.jsonl', version: 7 };

test('split and info get the uri and version only', () => {
  assert.deepEqual(versionedArgs({ ...doc, extra: true } as typeof doc), doc);
});

test('generate sends a count and category only when given', () => {
  assert.deepEqual(generateArgs(doc), doc);
  assert.deepEqual(generateArgs(doc, 25), { ...doc, count: 25 });
  assert.deepEqual(generateArgs(doc, 25, 'returns'), { ...doc, count: 25, category: 'returns' });
});

test('review sends lines only when given', () => {
  assert.deepEqual(reviewArgs(doc), doc);
  assert.deepEqual(reviewArgs(doc, []), doc);
  assert.deepEqual(reviewArgs(doc, [0, 4]), { ...doc, lines: [0, 4] });
});

test('the typed count', () => {
  assert.equal(parseCount(''), undefined);
  assert.equal(parseCount('  '), undefined);
  assert.equal(parseCount(' 40 '), 40);
  for (const bad of ['0', '-3', '2.5', 'ten', '1e3', '99999999999999999999']) {
    assert.ok(parseCount(bad) instanceof Error, bad);
  }
});
