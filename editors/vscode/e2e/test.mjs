// The real-editor test of the ftls extension: the workbench of code-server
// (VS Code in the browser, started by run.sh with the packaged extension
// installed) driven through the system Chromium by playwright-core, as a
// user would: keys, the command palette, the Problems panel, hovers, the
// quick fix menu and notifications. It saves a screenshot after each step.
//
// Environment (set by run.sh): FTLS_E2E_URL (the workbench), FTLS_E2E_WS
// (the workspace folder, copies of the fixtures), FTLS_E2E_EXPECT (a folder
// holding what the CLI says about the same files), FTLS_E2E_SETTINGS (the
// user settings file), FTLS_E2E_SHOTS (where screenshots go), CHROMIUM.

import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const url = env('FTLS_E2E_URL');
const ws = env('FTLS_E2E_WS');
const expectDir = env('FTLS_E2E_EXPECT');
const settingsFile = env('FTLS_E2E_SETTINGS');
const shots = env('FTLS_E2E_SHOTS');
const started = Date.now();
// playwright-core lives in the install cache, outside this folder.
const { chromium } = createRequire(join(env('FTLS_E2E_MODULES'), 'noop.js'))('playwright-core');

let page;
let passed = 0;
let shot = 0;

function log(msg) {
  console.log(`vscode e2e [${((Date.now() - started) / 1000).toFixed(1)} s] ${msg}`);
}

function check(ok, what, got) {
  if (!ok) {
    const err = new Error(`${what}${got === undefined ? '' : `\ngot: ${typeof got === 'string' ? got : JSON.stringify(got, null, 2)}`}`);
    err.checkFailed = true;
    throw err;
  }
  passed++;
}

async function screenshot(name) {
  shot++;
  const file = join(shots, `${String(shot).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Polls fn until it returns a truthy value, else fails with what and the last value. */
async function until(what, fn, ms = 30_000) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = String(err);
    }
    if (Date.now() > end) check(false, `timed out after ${ms / 1000} s waiting for ${what}`, last);
    await page.waitForTimeout(200);
  }
}

// --- workbench helpers ---------------------------------------------------

async function runCommand(title) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: 10_000 });
  await until(`"${title}" to be the palette's first entry`, async () =>
    (await page.locator('.quick-input-list .monaco-list-row').first().innerText()).includes(title),
  );
  await page.keyboard.press('Enter');
}

/** The titles the command palette offers for query. */
async function paletteEntries(query) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.fill(`>${query}`);
  await page.waitForTimeout(500);
  const rows = await page.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts();
  await page.keyboard.press('Escape');
  return rows;
}

async function openFile(rel) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(rel);
  const base = rel.split('/').pop();
  await until(`quick open to offer ${rel}`, async () => {
    const first = page.locator('.quick-input-list .monaco-list-row').first();
    return (await first.count()) > 0 && (await first.getAttribute('aria-label'))?.includes(base);
  });
  await page.keyboard.press('Enter');
  await until(`${rel} to be the active editor`, async () =>
    (await page.locator('.tabs-container .tab.active').getAttribute('aria-label'))?.startsWith(base),
  );
  await page.locator('.editor-instance .monaco-editor textarea').first().focus();
}

async function goTo(line, col) {
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget input').fill(`${line}:${col}`);
  await page.keyboard.press('Enter');
  await page.waitForTimeout(300);
}

/** The status bar's problem counts, e.g. { errors: 12, warnings: 4 }. */
async function problemCounts() {
  const label = await page.locator('#status\\.problems').getAttribute('aria-label');
  const m = /(\d+)\D+(\d+)/.exec(label ?? '');
  return m ? { errors: Number(m[1]), warnings: Number(m[2]) } : undefined;
}

/** The Problems panel's entries for the open files: [{severity, message, code, line, column}]. */
async function problems() {
  await runCommand('View: Focus Problems');
  const panel = page.locator('.markers-panel');
  await panel.waitFor({ state: 'visible' });
  // The list is virtual: maximise the panel so that every row renders.
  const rows = await until('the Problems panel to list its entries', async () => {
    const r = await panel.locator('.monaco-list-row').evaluateAll((els) =>
      els.map((e) => ({
        label: e.getAttribute('aria-label') ?? '',
        text: e.innerText,
        level: Number(e.getAttribute('aria-level') ?? 0),
      })),
    );
    return r.length > 1 ? r : undefined;
  });
  return rows;
}

// --- the steps ------------------------------------------------------------

async function main() {
  const browser = await chromium.launch({ executablePath: env('CHROMIUM'), headless: true });
  try {
    page = await browser.newPage({ viewport: { width: 1400, height: 860 }, deviceScaleFactor: 1 });
    await page.goto(url);
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: 90_000 });
    log('workbench loaded');
    await openFile('flawed/flawed.jsonl');
    await until('the ftls diagnostics in the status bar', async () => (await problemCounts())?.errors > 0, 60_000);
    log(`diagnostics: ${JSON.stringify(await problemCounts())}`);
    await screenshot('diagnostics');
    const rows = await problems();
    console.log(JSON.stringify(rows, null, 1));
    await screenshot('problems');
  } finally {
    await browser.close();
  }
}

main().then(
  () => {
    log(`all ${passed} checks passed`);
  },
  async (err) => {
    console.error(`vscode e2e: FAILED: ${err.checkFailed ? err.message : err.stack}`);
    try {
      if (page) console.error(`screenshot of the failure: ${await screenshot('failure')}`);
    } catch {
      // the page is gone
    }
    process.exitCode = 1;
  },
);
