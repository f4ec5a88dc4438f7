#!/usr/bin/env node
// Peer for the ftls benchmark: VS Code's JSON validation, line by line.
//
// Validates every line of a JSONL file as its own JSON document with
// vscode-json-languageservice (the library behind VS Code's JSON language
// features): TextDocument.create, parseJSONDocument, then doValidation
// with the settings VS Code uses for the "json" language (comments and
// trailing commas are errors). No schema is configured, so this is the
// syntax check plus duplicate-key warnings that VS Code gives a JSON file
// it knows no schema for.
//
// The file is read as a stream in 1 MiB chunks and split on "\n"; one
// process, one thread, as VS Code's JSON server runs.
//
// Usage: node validate.js FILE
// Prints: rows, lines with an error, diagnostics by message; exits 0.
'use strict';

const fs = require('fs');
const { getLanguageService, TextDocument, DiagnosticSeverity } = require('vscode-json-languageservice');

async function main() {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node validate.js FILE\n');
    process.exit(2);
  }
  const ls = getLanguageService({});
  ls.configure({ validate: true, allowComments: false });
  const settings = { comments: 'error', trailingCommas: 'error' };

  let rows = 0;
  let errorLines = 0;
  let diagnostics = 0;
  const byMessage = new Map();

  async function line(buf) {
    rows++;
    // A CRLF file: the \r belongs to the line break, not to the JSON.
    let end = buf.length;
    if (end > 0 && buf[end - 1] === 0x0d) end--;
    const text = buf.toString('utf8', 0, end);
    const doc = TextDocument.create('file:///line.json', 'json', 1, text);
    const json = ls.parseJSONDocument(doc);
    const diags = await ls.doValidation(doc, json, settings);
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
