// Finding the binary, against the real one (FTLS_BINARY, an absolute path)
// in a PATH made for each case.

import assert from 'node:assert/strict';
import { copyFileSync, chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { bundledPath, installHint, locateServer } from '../src/binary';

const binary = process.env.FTLS_BINARY ?? '';
let withFtls: string; // a PATH folder holding "ftls"
let empty: string; // a PATH folder holding nothing

before(() => {
  withFtls = mkdtempSync(join(tmpdir(), 'ftls-path-'));
  symlinkSync(binary, join(withFtls, 'ftls'));
  empty = mkdtempSync(join(tmpdir(), 'ftls-empty-'));
});

after(() => {
  rmSync(withFtls, { recursive: true, force: true });
  rmSync(empty, { recursive: true, force: true });
});

test('ftls.path is used when it answers `ftls version`', async () => {
  const got = await locateServer(binary, { PATH: empty });
  assert.equal(got.command, binary);
  assert.match(got.version, /^ftls /);
  assert.equal(got.configuredFailure, undefined);
});

test('ftls on PATH when ftls.path is unset', async () => {
  const got = await locateServer('', { PATH: withFtls });
  assert.equal(got.command, 'ftls');
  assert.equal(got.configuredFailure, undefined);
});

test('a broken ftls.path falls back to PATH and says why', async () => {
  const got = await locateServer('/nonexistent/ftls', { PATH: withFtls });
  assert.equal(got.command, 'ftls');
  assert.equal(got.configuredFailure, 'ftls.path "/nonexistent/ftls": not found');
});

test('a program that is not ftls is refused', async () => {
  await assert.rejects(locateServer('/bin/echo', { PATH: empty }), /printed "version", not an ftls version/);
});

test('neither: the error names the setting and the install command', async () => {
  await assert.rejects(locateServer('/nonexistent/ftls', { PATH: empty }), (err: Error) => {
    assert.match(err.message, /"ftls\.path"/);
    assert.ok(err.message.includes(installHint), err.message);
    assert.match(err.message, /"ftls" on PATH: not found/);
    return true;
  });
});

test('the bundled binary comes after ftls.path and before PATH', async () => {
  const ext = mkdtempSync(join(tmpdir(), 'ftls-ext-'));
  try {
    const bundled = bundledPath(ext);
    assert.equal(bundled, join(ext, 'bin', 'ftls'));
    assert.equal(bundledPath(ext, 'win32'), join(ext, 'bin', 'ftls.exe'));
    mkdirSync(join(ext, 'bin'));
    copyFileSync(binary, bundled);
    // An unpacker that drops the execute bits: the extension sets them.
    chmodSync(bundled, 0o644);
    const got = await locateServer('', { PATH: withFtls }, bundled);
    assert.equal(got.command, bundled);
    assert.ok((statSync(bundled).mode & 0o111) !== 0, 'the bundled binary is executable again');
    assert.equal((await locateServer(binary, { PATH: withFtls }, bundled)).command, binary);
    const fallback = await locateServer('/nonexistent/ftls', { PATH: empty }, bundled);
    assert.equal(fallback.command, bundled);
    assert.equal(fallback.configuredFailure, 'ftls.path "/nonexistent/ftls": not found');
    // A VSIX without a binary: PATH.
    assert.equal((await locateServer('', { PATH: withFtls }, join(ext, 'none', 'ftls'))).command, 'ftls');
  } finally {
    rmSync(ext, { recursive: true, force: true });
  }
});
