// Arguments of the workspace/executeCommand requests the client sends, in
// the shapes lsp/generate.go (generateArgs) and lsp/split.go expect. No VS
// Code import, so the unit and protocol tests use exactly these.

/**
 * Commands the server executes (its executeCommandProvider). The client
 * contributes its own ids (ftls.client.*) for the palette: vscode-languageclient
 * registers these server ids as VS Code commands itself, for code lenses and
 * code actions, and a second registration of the same id would fail.
 */
export const serverCommands = {
  generate: 'ftls.generate',
  splitValidation: 'ftls.splitValidation',
  writeInfo: 'ftls.writeInfo',
  review: 'ftls.review',
} as const;

/** The document a command applies to. */
export interface DocumentRef {
  uri: string;
  version: number;
}

/** ftls.splitValidation and ftls.writeInfo refuse a stale version, so the edit they send applies cleanly. */
export function versionedArgs(doc: DocumentRef): DocumentRef {
  return { uri: doc.uri, version: doc.version };
}

/** ftls.review: without lines (0-based), every row without a verdict. */
export interface ReviewArgs extends DocumentRef {
  lines?: number[];
}

export function reviewArgs(doc: DocumentRef, lines?: number[]): ReviewArgs {
  const args: ReviewArgs = versionedArgs(doc);
  if (lines && lines.length > 0) args.lines = lines;
  return args;
}

export interface GenerateArgs extends DocumentRef {
  count?: number;
  category?: string;
}

/** Without a count the server generates what the plan still lacks. */
export function generateArgs(doc: DocumentRef, count?: number, category?: string): GenerateArgs {
  const args: GenerateArgs = versionedArgs(doc);
  if (count !== undefined) args.count = count;
  if (category) args.category = category;
  return args;
}

/**
 * Reads the count typed in the input box: undefined for an empty box (the
 * plan decides), a positive integer, or an Error saying what is wrong.
 */
export function parseCount(input: string): number | undefined | Error {
  const s = input.trim();
  if (s === '') return undefined;
  const n = Number(s);
  // The server asks for confirmation with the estimated cost, so any
  // positive count is fine here.
  if (!/^[0-9]+$/.test(s) || n < 1 || !Number.isSafeInteger(n)) {
    return new Error('Type a positive whole number of examples, or leave the box empty.');
  }
  return n;
}
