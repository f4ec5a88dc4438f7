// Finds the ftls binary to start. Node only, no VS Code import, so the
// protocol test checks it against the real binary.

import { execFile } from 'node:child_process';
import { constants, existsSync } from 'node:fs';
import { access, chmod } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface ServerBinary {
  /** What to spawn: the configured path, the bundled binary or "ftls" (looked up on PATH). */
  command: string;
  /** What `ftls version` printed, e.g. "ftls 0.4.0". */
  version: string;
  /** Why ftls.path was passed over for another binary, if it was. */
  configuredFailure?: string;
}

/**
 * The binary a platform VSIX carries (vsix.sh puts it in bin/), under the
 * extension's folder: bin/ftls, or bin/ftls.exe on Windows.
 */
export function bundledPath(extensionPath: string, platform: NodeJS.Platform = process.platform): string {
  return join(extensionPath, 'bin', platform === 'win32' ? 'ftls.exe' : 'ftls');
}

export const installHint = 'go install github.com/ftls-dev/ftls/cmd/ftls@latest';

/**
 * Tries the ftls.path setting, then the binary the VSIX bundles (bundled,
 * absent from a VSIX without one), then "ftls" on PATH, and returns the
 * first that answers `ftls version`: the user's explicit choice wins, and
 * the bundled binary matches the extension's version where one on PATH
 * may be older. Checking first turns a missing or foreign binary into one
 * clear message instead of a language client that keeps restarting a
 * process that cannot speak LSP. env is the environment the binary is
 * looked up and run in.
 */
export async function locateServer(
  configured: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  bundled?: string,
): Promise<ServerBinary> {
  const tried: string[] = [];
  let configuredFailure: string | undefined;
  const path = configured?.trim() ? expandHome(configured.trim()) : undefined;
  if (path) {
    try {
      return { command: path, version: await probe(path, env) };
    } catch (err) {
      configuredFailure = `ftls.path "${path}": ${message(err)}`;
      tried.push(configuredFailure);
    }
  }
  if (bundled && existsSync(bundled)) {
    try {
      await makeExecutable(bundled);
      return { command: bundled, version: await probe(bundled, env), configuredFailure };
    } catch (err) {
      tried.push(`the bundled ${bundled}: ${message(err)}`);
    }
  }
  try {
    return { command: 'ftls', version: await probe('ftls', env), configuredFailure };
  } catch (err) {
    tried.push(`"ftls" on PATH: ${message(err)}`);
  }
  throw new Error(
    `Cannot start the ftls language server (${tried.join('; ')}). ` +
      `Set the "ftls.path" setting to the ftls binary, or install it with \`${installHint}\`.`,
  );
}

/** Runs `ftls version` and returns its output; rejects unless it names ftls. */
async function probe(command: string, env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await execFileAsync(command, ['version'], { env, timeout: 10_000, windowsHide: true });
  const version = stdout.trim();
  if (!version.startsWith('ftls')) {
    throw new Error(`"${command} version" printed "${version.slice(0, 80)}", not an ftls version`);
  }
  return version;
}

/** Sets the execute bits if an unpacker dropped them. */
async function makeExecutable(path: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    await access(path, constants.X_OK);
  } catch {
    await chmod(path, 0o755);
  }
}

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? join(homedir(), p.slice(1)) : p;
}

function message(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') return 'not found';
  if (e?.code === 'EACCES') return 'not executable';
  return e instanceof Error ? e.message : String(err);
}
