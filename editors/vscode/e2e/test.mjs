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

import { readFileSync, existsSync } from 'node:fs';
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
  const rows = page.locator('.quick-input-list .monaco-list-row');
  let texts = [];
  const index = await until(`"${title}" in the command palette`, async () => {
    texts = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    const i = texts.findIndex((t) => t === title || t?.startsWith(`${title},`) || t?.startsWith(`${title} (`));
    return i >= 0 ? i + 1 : undefined;
  }, 10_000).catch((err) => {
    err.message += `\nthe palette offered: ${JSON.stringify(texts)}`;
    throw err;
  });
  await rows.nth(index - 1).click();
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
  await focusEditor();
}

/** Hides the panel (Problems, Output), which the palette offers only while it shows. */
async function hidePanel() {
  if (await page.locator('.part.panel').filter({ visible: true }).count()) await runCommand('View: Hide Panel');
}

/** Focuses the active editor, where the keys go. */
async function focusEditor() {
  await runCommand('View: Focus Active Editor Group');
}

async function goTo(line, col) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`:${line}:${col}`);
  await page.waitForTimeout(200);
  await page.keyboard.press('Enter');
  await until(`the cursor at ${line}:${col}`, async () =>
    (await page.locator('#status\\.editor\\.selection').innerText()).startsWith(`Ln ${line}, Col ${col}`),
  10_000);
  await page.waitForTimeout(300);
}

/** The status bar's problem counts, e.g. { errors: 12, warnings: 4 }. */
async function problemCounts() {
  const label = await page.locator('#status\\.problems').getAttribute('aria-label');
  const m = /(\d+)\D+(\d+)/.exec(label ?? '');
  return m ? { errors: Number(m[1]), warnings: Number(m[2]) } : undefined;
}

/**
 * The Problems panel's rows: [{label, text, level}]. The list renders only
 * the rows in view, so it is walked with the arrow keys, collecting rows
 * by their label until the last one stays the same.
 */
async function problems() {
  await runCommand('View: Focus Problems');
  const panel = page.locator('.markers-panel');
  await panel.waitFor({ state: 'visible' });
  await until('the Problems panel to list its entries', async () => (await panel.locator('.monaco-list-row').count()) > 1);
  await page.keyboard.press('Home');
  const seen = new Map();
  let last = '';
  for (let i = 0; i < 200; i++) {
    const rows = await panel.locator('.monaco-list-row').evaluateAll((els) =>
      els.map((e) => ({ label: e.getAttribute('aria-label') ?? '', text: e.innerText, level: Number(e.getAttribute('aria-level') ?? 0) })),
    );
    for (const r of rows) seen.set(r.label, r);
    const focused = (await panel.locator('.monaco-list-row.focused').getAttribute('aria-label').catch(() => '')) ?? '';
    if (i > 0 && focused === last) break;
    last = focused;
    await page.keyboard.press('PageDown');
  }
  await page.keyboard.press('Home');
  return [...seen.values()];
}

// --- the steps ------------------------------------------------------------

const readJSON = (path) => JSON.parse(readFileSync(path, 'utf8'));
const sevName = { error: 'Error', warning: 'Warning', info: 'Info' };

/** ftls check --format json's diagnostics as the Problems panel words them (hints are not listed there). */
function expectedProblems(file) {
  return readJSON(join(expectDir, file))
    .diagnostics.filter((d) => sevName[d.severity])
    .map((d) => `${sevName[d.severity]} ${d.line}:${d.column} ${d.code} ${d.message}`)
    .sort();
}

/** The Problems panel's entries, in the same words as expectedProblems. */
async function shownProblems() {
  const entries = (await problems()).filter((r) => r.level === 2);
  return entries
    .map((r) => {
      const m = /^(Error|Warning|Info): (.*) at line (\d+) and character (\d+)\. generated by ftls$/s.exec(r.label);
      const code = r.text.split('\n')[2];
      return m ? `${m[1]} ${m[3]}:${m[4]} ${code} ${m[2]}` : `unparsed: ${r.label}`;
    })
    .sort();
}

async function expectProblems(file, what) {
  const want = expectedProblems(file);
  const errors = want.filter((w) => w.startsWith('Error')).length;
  await until(`${what}: the status bar to count ${errors} errors`, async () => (await problemCounts())?.errors === errors, 30_000);
  const got = await shownProblems();
  check(JSON.stringify(got) === JSON.stringify(want), `${what}: the Problems panel lists what ftls check prints`, { got, want });
}

async function hoverAt(line, col) {
  // Via column 1: the view scrolls back to the start of the line.
  await goTo(line, 1);
  await goTo(line, col);
  await page.mouse.move(0, 0);
  const hover = page.locator('.monaco-editor .monaco-hover').filter({ visible: true }).first();
  await until(`the hover at ${line}:${col}`, async () => {
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    return hover.waitFor({ state: 'visible', timeout: 3_000 }).then(() => true);
  });
  await page.waitForTimeout(300);
  return { text: await hover.innerText(), html: await hover.innerHTML() };
}

/** Markdown that VS Code did not render: it shows as raw characters. */
function rawMarkdown(text) {
  return ['**', '`', '|---', '&nbsp;', '<br', '\\n'].filter((m) => text.includes(m));
}

async function stepDiagnostics() {
  await openFile('flawed/flawed.jsonl');
  await until('the ftls diagnostics in the status bar', async () => (await problemCounts())?.errors > 0, 60_000);
  log(`diagnostics: ${JSON.stringify(await problemCounts())}`);
  await expectProblems('flawed.json', 'flawed.jsonl opened');
  await screenshot('problems');
  const status = await page.locator('.statusbar-item[aria-label*="ftls"]').first().getAttribute('aria-label');
  check(/ftls/.test(status ?? ''), 'the ftls status bar item', status);
  log(`status bar item: ${status}`);
}

async function stepHover() {
  await hidePanel();
  const row = await hoverAt(2, 20);
  log(`hover on row 2:\n${row.text}`);
  check(/tokens/i.test(row.text), 'the hover on a row counts its tokens', row.text);
  check(rawMarkdown(row.text).length === 0, 'the hover on a row is rendered markdown', rawMarkdown(row.text));
  await screenshot('hover-row');
  const first = await hoverAt(1, 3);
  log(`hover on line 1:\n${first.text}`);
  check(first.text.includes('at least 10'), 'the hover on line 1 shows its diagnostic', first.text);
  check(rawMarkdown(first.text).length === 0, 'the hover on line 1 is rendered markdown', rawMarkdown(first.text));
  await page.keyboard.press('Escape');
}

/** Changes the user settings as a user does: in settings.json, opened from the palette, pasted over and saved. */
async function setSettings(extra) {
  const settings = readJSON(settingsFile);
  Object.assign(settings, extra);
  for (const [k, v] of Object.entries(extra)) if (v === undefined) delete settings[k];
  const text = JSON.stringify(settings, null, 2);
  await runCommand('Preferences: Open User Settings (JSON)');
  // Recent VS Code opens it in a modal editor, older ones in a tab.
  const editor = page.locator('.monaco-editor', { hasText: 'security.workspace.trust.enabled' }).filter({ visible: true }).last();
  await editor.waitFor({ state: 'visible', timeout: 15_000 });
  await editor.locator('.view-lines').click();
  // Runs in the page, where navigator is.
  // eslint-disable-next-line no-undef
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Control+V');
  await page.keyboard.press('Control+S');
  await until('settings.json saved', () => readFileSync(settingsFile, 'utf8') === text, 10_000);
  await until('settings.json to close', async () => {
    await page.keyboard.press('Escape');
    return (await editor.count()) === 0 || !(await editor.isVisible());
  }, 10_000);
}

async function stepSettings() {
  await setSettings({ 'ftls.rules': { Q: 'error' } });
  await openFile('flawed/flawed.jsonl');
  await expectProblems('flawed-q-error.json', 'ftls.rules set to {"Q": "error"}');
  await setSettings({ 'ftls.rules': undefined });
  await openFile('flawed/flawed.jsonl');
  await expectProblems('flawed.json', 'ftls.rules removed');
}

async function stepQuickFix() {
  await page.keyboard.press('Escape');
  await goTo(1, 138);
  await page.keyboard.press('Control+.');
  const fix = page.locator('.action-widget .monaco-list-row', { hasText: 'Change role to "assistant"' }).first();
  await fix.waitFor({ state: 'visible', timeout: 15_000 });
  await page.waitForTimeout(300);
  await screenshot('quick-fix');
  // Counted before the click: counted after it, a server quick enough to
  // publish in between left the test waiting for one error fewer than
  // the count it had already seen drop.
  const before = (await problemCounts()).errors;
  await fix.click();
  await until('the fixed role to leave the diagnostics', async () => (await problemCounts())?.errors === before - 1);
  await page.keyboard.press('Control+S');
  const path = join(ws, 'flawed/flawed.jsonl');
  await until('the fixed file on disk', () => readFileSync(path, 'utf8').split('\n')[0].includes('"role":"assistant"'));
  check(!readFileSync(path, 'utf8').includes('asistant'), 'the misspelt role is gone from the file');
}

async function stepPalette() {
  const titles = await paletteEntries('ftls: ');
  log(`palette: ${titles.join(', ')}`);
  for (const t of ['Generate examples', 'Review', 'Split validation set', 'Write dataset_info.txt', 'Set API key', 'Restart language server', 'Show output']) {
    check(titles.some((x) => x.endsWith(t)), `the palette offers "ftls: ${t}"`, titles);
  }
}

async function stepPlan() {
  const rel = 'examples/support.plan.yaml';
  await openFile(rel);
  await hidePanel();
  const lines = readFileSync(join(ws, rel), 'utf8').split('\n');
  await goTo(lines.indexOf('categories:') + 8, 1);
  const lens = page.locator('.contentWidgets .codelens-decoration', { hasText: 'planned' }).first();
  await lens.waitFor({ state: 'visible', timeout: 30_000 });
  const lensText = await lens.innerText();
  log(`plan code lens: ${lensText}`);
  check(/planned \d+ · actual \d+/.test(lensText), 'the plan code lens counts planned and actual examples', lensText);
  // Completion of a value: size.complexity's choices.
  const n = lines.findIndex((l) => /^\s+complexity: /.test(l)) + 1;
  await goTo(n, lines[n - 1].length + 1);
  for (let i = 0; i < 'medium'.length; i++) await page.keyboard.press('Backspace');
  await page.keyboard.press('Control+Space');
  const suggest = page.locator('.suggest-widget .monaco-list-row');
  await suggest.first().waitFor({ state: 'visible', timeout: 15_000 });
  const items = (await suggest.allInnerTexts()).map((t) => t.split('\n')[0]);
  log(`completion of size.complexity: ${items.join(', ')}`);
  check(items.includes('medium') && items.includes('simple'), 'completion offers the complexity choices', items);
  await screenshot('plan-completion');
  await page.keyboard.press('Escape');
  // A key the schema does not know: P002.
  await page.keyboard.type('medium');
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\nbogus_key: 1\n');
  await until('P002 on the unknown key', async () =>
    (await page.locator('.squiggly-warning, .squiggly-error').count()) > 0 &&
    (await shownProblems()).some((p) => /P002 .*bogus_key/.test(p)),
  );
  check(true, 'P002 for an unknown plan key');
  await screenshot('plan-diagnostic');
  await openFile(rel);
  await runCommand('File: Revert File');
  await until('the P002 to go with the reverted text', async () => !(await shownProblems()).some((p) => p.includes('P002')));
  await hidePanel();
}

async function stepSplitInfo() {
  await openFile('examples/training_data.jsonl');
  await runCommand('ftls: Split validation set');
  const valid = join(ws, 'examples/validation_data.jsonl');
  await until('the validation file', () => existsSync(valid), 30_000);
  await page.waitForTimeout(1000);
  await runCommand('File: Save All Files');
  for (const f of ['training_data.jsonl', 'validation_data.jsonl']) {
    const want = readFileSync(join(expectDir, 'examples', f), 'utf8');
    await until(`${f} saved as ftls split writes it`, () => readFileSync(join(ws, 'examples', f), 'utf8') === want, 15_000);
    check(true, `${f} after the split`);
  }
  await openFile('examples/training_data.jsonl');
  await runCommand('ftls: Write dataset_info.txt');
  const info = join(ws, 'examples/dataset_info.txt');
  await until('dataset_info.txt', () => existsSync(info), 30_000);
  const want = readFileSync(join(expectDir, 'examples/dataset_info.txt'), 'utf8');
  const got = readFileSync(info, 'utf8');
  check(got === want, 'dataset_info.txt is what ftls info writes', { got: got.slice(0, 400), want: want.slice(0, 400) });
  await screenshot('info');
}

/** The active editor's row count, from what Go to Line offers ("from 1 to N"), the trailing empty line left out. */
async function lineCount() {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(':');
  const text = await until('Go to Line to give the line count', async () => {
    const t = await page.locator('.quick-input-widget').innerText();
    return /(?:between 1 and|from 1 to) \d+/.test(t) ? t : undefined;
  }, 5_000);
  await page.keyboard.press('Escape');
  await focusEditor();
  return Number(/(?:between 1 and|from 1 to) (\d+)/.exec(text)[1]) - 1;
}

async function stepGenerate() {
  await runCommand('ftls: Set API key');
  await page.locator('.quick-input-widget input').fill('sk-test-vscode');
  await page.keyboard.press('Enter');
  await openFile('shop/training_data.jsonl');
  await hidePanel();
  const before = await lineCount();
  await runCommand('ftls: Generate examples');
  await page.locator('.quick-input-widget input').fill('30');
  await page.keyboard.press('Enter');
  const confirm = page.locator('.notifications-toasts .monaco-button', { hasText: /^Generate$/ }).first();
  await confirm.waitFor({ state: 'visible', timeout: 30_000 });
  await screenshot('generate-confirm');
  await confirm.click();
  // The first batch: the line after its first row shows in the gutter.
  await page.locator('.line-numbers', { hasText: new RegExp(`^${before + 2}$`) }).first().waitFor({ state: 'visible', timeout: 30_000 });
  await screenshot('generate-progress');
  await until('30 rows added', async () => (await lineCount()) === before + 30, 60_000);
  check(true, 'generation added 30 rows');
  await page.waitForTimeout(500);
  let undos = 0;
  await focusEditor();
  while ((await lineCount()) > before && undos < 10) {
    await page.keyboard.press('Control+Z');
    undos++;
    await page.waitForTimeout(200);
  }
  check((await lineCount()) === before, 'undo removes the generated rows', { undos, lines: await lineCount() });
  log(`undo removed the generated rows in ${undos} step(s)`);
}

async function main() {
  const browser = await chromium.launch({ executablePath: env('CHROMIUM'), headless: true });
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 860 }, deviceScaleFactor: 1 });
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    page = await context.newPage();
    await page.goto(url);
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: 90_000 });
    log('workbench loaded');
    const steps = { stepDiagnostics, stepHover, stepSettings, stepQuickFix, stepPalette, stepPlan, stepSplitInfo, stepGenerate };
    const only = process.env.FTLS_E2E_ONLY?.split(',');
    for (const [name, step] of Object.entries(steps)) {
      if (only && !only.includes(name) && name !== 'stepDiagnostics') continue;
      await step();
      log(`${name} passed`);
    }
  } catch (err) {
    try {
      console.error(`screenshot of the failure: ${await screenshot('failure')}`);
    } catch {
      // the page is gone
    }
    throw err;
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
    process.exitCode = 1;
  },
);
