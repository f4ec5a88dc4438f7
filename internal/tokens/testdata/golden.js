// Regenerates golden.json.gz: inputs for TestGolden and their token counts
// according to tiktoken's own Rust core (the npm package "tiktoken", WASM
// build, tested with 1.0.22), using the split patterns of tiktoken's
// current Python package (for cl100k_base they differ in form from the
// ones bundled with the npm package).
//
//	npm install tiktoken@1.0.22 && node golden.js
const { Tiktoken } = require("tiktoken/lite");
const zlib = require("zlib");
const fs = require("fs");

const CL100K = String.raw`'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s`;
const O200K = [
  String.raw`[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?`,
  String.raw`[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?`,
  String.raw`\p{N}{1,3}`, String.raw` ?[^\s\p{L}\p{N}]+[\r\n/]*`, String.raw`\s*[\r\n]+`, String.raw`\s+(?!\S)`, String.raw`\s+`,
].join("|");
const o = require("tiktoken/encoders/o200k_base.json");
const c = require("tiktoken/encoders/cl100k_base.json");
const encs = {
  o200k_base: new Tiktoken(o.bpe_ranks, o.special_tokens, O200K),
  cl100k_base: new Tiktoken(c.bpe_ranks, c.special_tokens, CL100K),
};

let seed = 20240601; // mulberry32
function rnd() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (a) => a[Math.floor(rnd() * a.length)];

const atoms = [..."abcXYZ", "Hello", "WORLD", "iPhone", "McDonald", "ABCdef", "aBC", ..."0123456789", "123456", "3.14",
  "'", "'s", "'S", "'ll", "'LL", "'Re", "'ve", "'m", "'d", "'t", "'x", "ſ", "'ſ",
  " ", "  ", "   ", "\t", "\n", "\n\n", "\r\n", "\r", "\v", "\f", "\u00a0", "\u2028", "\u3000", "\u0085", " \n", "\n ", "\t\n",
  ..."!.,/-_?;:()[]{}<>=+*&^%$#@~`\"|\\", "//", "/*", "*/", "->", "=>", "...", "!!!", "\n/", ".\n/",
  "\u0301", "\u0308", "\u093f", "\u0915", "ʰ", "ー", "中", "文", "あ", "カ", "한", "국", "ا", "ل", "ǅ", "Ⅻ", "½", "²", "٣", "३", "〇",
  "𝐀", "𝐚", "é", "e\u0301", "ß", "Ω", "ж", "Ж", "👍", "👍🏽", "👨‍👩‍👧", "\u200d", "\ufe0f", "🇯🇵", "❤️", "😀", "\u200b", "\ufeff",
  "<|endoftext|>", "<|im_start|>", "\x00", "\x7f", "\ud7ff", "\ue000"];
const small = [" ", "\t", "\n", "\r", "a", "A", "1", "!", "'", "s", "S", "l", "/", "\u00a0", "ʰ", "\u0301", "中", "ǅ", "ſ", "e", "."];

const inputs = [];
for (let i = 0; i < 4000; i++) {
  const k = pick([1, 2, 3, 5, 8, 13, 30, 60]);
  let s = "";
  for (let j = 0; j < k; j++) s += pick(atoms);
  inputs.push(s);
}
for (let i = 0; i < 4000; i++) {
  const k = 1 + Math.floor(rnd() * 12);
  let s = "";
  for (let j = 0; j < k; j++) s += pick(small);
  inputs.push(s);
}
// A sample of all code points, each in letter, digit, space and symbol contexts.
let group = [];
for (let cp = 0x80; cp < 0x110000; cp += 97) {
  if (cp >= 0xd800 && cp < 0xe000) continue;
  const x = String.fromCodePoint(cp);
  group.push("a" + x + "b " + x + "X" + x + "1" + x + x + " ." + x + "'s");
  if (group.length === 8) { inputs.push(group.join(" ")); group = []; }
}
// Long pieces (BPE on thousands of bytes).
const long = (alpha, n) => { let s = ""; for (let i = 0; i < n; i++) s += pick(alpha); return s; };
inputs.push("a".repeat(5000), " ".repeat(3000) + "x", "!".repeat(4000), "中文字符".repeat(800),
  long([..."abcdefghijklmnopqrstuvwxyz"], 8000), long([..."ab"], 6000), long([..."aAbB"], 6000),
  long([..."中文字符日本語"], 3000), long([..."!@#$%^&*()"], 6000), "\n".repeat(3000));

const out = { inputs };
for (const [name, enc] of Object.entries(encs)) out[name] = inputs.map((s) => enc.encode_ordinary(s).length);
fs.writeFileSync(__dirname + "/golden.json.gz", zlib.gzipSync(JSON.stringify(out), { level: 9 }));
console.log(inputs.length, "inputs;", Object.keys(encs).map((n) => n + " " + out[n].reduce((a, b) => a + b, 0)).join(", "), "tokens");
