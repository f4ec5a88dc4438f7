#!/usr/bin/env node
// Peer for the ftls benchmark: VS Code's JSON validation, line by line,
// against a JSON Schema of OpenAI's chat fine-tuning format.
//
// Validates every line of a JSONL file as its own JSON document with
// vscode-json-languageservice (the library behind VS Code's JSON language
// features): TextDocument.create, parseJSONDocument, then doValidation
// with the settings VS Code uses for the "json" language (comments and
// trailing commas are errors). The service is configured as a VS Code user
// would configure "json.schemas": openai-chat.schema.json, next to this
// file (draft-07, one row of OpenAI's chat fine-tuning format), associated
// with every document. So each line gets the syntax check, the duplicate-key
// warnings and the schema check: roles, message keys, content types,
// tool_calls, weight. Schema violations are reported as errors (VS Code's
// default severity for them is a warning; the work done is the same).
//
// The file is read as a stream in 1 MiB chunks and split on "\n"; one
// process, one thread, as VS Code's JSON server runs.
//
// Usage: node validate.js FILE
// Prints: rows, lines with an error, diagnostics by message; exits 0.
'use strict';

const fs = require('fs');
const path = require('path');
const { pathToFileURL } = require('url');
const { getLanguageService, TextDocument, DiagnosticSeverity } = require('vscode-json-languageservice');

const SCHEMA_FILE = path.join(__dirname, 'openai-chat.schema.json');
const DOC_URI = 'file:///line.json';

async function main() {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node validate.js FILE\n');
    process.exit(2);
  }
  const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8'));
  const ls = getLanguageService({});
  ls.configure({
    validate: true,
    allowComments: false,
    schemas: [{ uri: pathToFileURL(SCHEMA_FILE).href, fileMatch: ['*'], schema }],
  });
  const settings = { comments: 'error', trailingCommas: 'error', schemaValidation: 'error', schemaRequest: 'error' };

  async function validate(text) {
    const doc = TextDocument.create(DOC_URI, 'json', 1, text);
    return ls.doValidation(doc, ls.parseJSONDocument(doc), settings);
  }

  // The schema must be in force: a row with a misspelled role and a row
  // without messages give schema errors, a valid row gives none. Otherwise
  // this would silently measure the syntax check alone.
  const good = '{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]}';
  const bad = ['{"messages":[{"role":"user","content":"Hi"},{"role":"asistant","content":"Hello"}]}', '{"prompt":"Hi"}'];
  if ((await validate(good)).length !== 0 || (await Promise.all(bad.map(validate))).some((d) => d.length === 0)) {
    process.stderr.write(`validate.js: the schema ${SCHEMA_FILE} is not applied by doValidation\n`);
    process.exit(1);
  }

  let rows = 0;
  let errorLines = 0;
  let diagnostics = 0;
  const byMessage = new Map();

  async function line(buf) {
    rows++;
    // A CRLF file: the \r belongs to the line break, not to the JSON.
    let end = buf.length;
    if (end > 0 && buf[end - 1] === 0x0d) end--;
    const diags = await validate(buf.toString('utf8', 0, end));
    if (diags.length === 0) return;
    diagnostics += diags.length;
    let isError = false;
    for (const d of diags) {
      if (d.severity === DiagnosticSeverity.Error) isError = true;
      byMessage.set(d.message, (byMessage.get(d.message) || 0) + 1);
    }
    if (isError) errorLines++;
  }

  let rest = null; // an unfinished line carried over from the last chunk
  const stream = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  for await (let chunk of stream) {
    if (rest !== null) {
      chunk = Buffer.concat([rest, chunk]);
      rest = null;
    }
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      await line(chunk.subarray(start, nl));
      start = nl + 1;
    }
    if (start < chunk.length) rest = Buffer.from(chunk.subarray(start));
  }
  if (rest !== null && rest.length > 0) await line(rest);

  const out = [`rows ${rows}`, `error_lines ${errorLines}`, `diagnostics ${diagnostics}`];
  for (const [msg, n] of [...byMessage.entries()].sort((a, b) => b[1] - a[1])) {
    out.push(`  ${n} ${msg}`);
  }
  process.stdout.write(out.join('\n') + '\n');
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + '\n');
  process.exit(1);
});
