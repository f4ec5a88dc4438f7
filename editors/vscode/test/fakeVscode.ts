// A stand-in for the `vscode` module, enough for the extension bundle and
// vscode-languageclient to activate and talk to a server under plain node:
// the parts the tests look at are real (settings, secrets, commands,
// messages, the status bar item, the active editor); everything else is a
// stub that accepts any call and returns something disposable.

import Module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Listener<T> = (e: T) => unknown;

class Emitter<T> {
  private listeners: Listener<T>[] = [];
  event = (l: Listener<T>) => {
    this.listeners.push(l);
    return { dispose: () => (this.listeners = this.listeners.filter((x) => x !== l)) };
  };
  fire(e: T): void {
    for (const l of this.listeners) l(e);
  }
}

export interface FakeDocument {
  uri: { toString(): string; fsPath: string; scheme: string };
  version: number;
  languageId: string;
}

/** What the tests set up and read back. */
export interface FakeState {
  settings: Record<string, unknown>;
  secrets: Map<string, string>;
  commands: Map<string, (...args: unknown[]) => unknown>;
  messages: { level: 'error' | 'warning' | 'info'; text: string }[];
  /** What the next showInputBox calls return, in order. */
  inputs: (string | undefined)[];
  status: { text: string; tooltip: string };
  activeDocument: FakeDocument | undefined;
}

// Accepts anything: property reads, calls, `new`. Not a thenable, so an
// awaited stub does not hang.
function stub(): unknown {
  const target = function () {};
  return new Proxy(target, {
    get: (_t, key) => (key === 'then' || typeof key === 'symbol' ? undefined : stub()),
    apply: () => stub(),
    construct: () => stub() as object,
  });
}

// obj's own members, a stub for the rest; onDid*/onWill* events do nothing.
function withStubs<T extends object>(obj: T): T {
  return new Proxy(obj, {
    get(t, key) {
      if (key in t) return t[key as keyof T];
      if (typeof key === 'string' && /^on(Did|Will)/.test(key)) return () => ({ dispose() {} });
      return typeof key === 'symbol' || key === 'then' ? undefined : stub();
    },
  });
}

export function fileUri(path: string): FakeDocument['uri'] {
  return { fsPath: path, scheme: 'file', toString: () => `file://${path}` };
}

/** Makes `require('vscode')` return a fresh fake; returns its state and the extension context. */
export function installFakeVscode(): {
  state: FakeState;
  context: { subscriptions: { dispose(): unknown }[]; secrets: unknown; extensionPath: string };
} {
  const state: FakeState = {
    settings: {},
    secrets: new Map(),
    commands: new Map(),
    messages: [],
    inputs: [],
    status: { text: '', tooltip: '' },
    activeDocument: undefined,
  };
  const secretChanged = new Emitter<{ key: string }>();
  const message =
    (level: FakeState['messages'][number]['level']) =>
    (text: string): Promise<undefined> => {
      state.messages.push({ level, text });
      return Promise.resolve(undefined);
    };

  const vscode = withStubs({
    // vscode-languageclient 9 checks it against its engines field.
    version: '1.82.0',
    workspace: withStubs({
      textDocuments: [],
      notebookDocuments: [],
      workspaceFolders: undefined,
      getConfiguration: (section?: string) =>
        withStubs({
          get: (key: string, fallback?: unknown) => {
            const full = section ? `${section}.${key}` : key;
            return full in state.settings ? state.settings[full] : fallback;
          },
        }),
    }),
    window: withStubs({
      get activeTextEditor() {
        return state.activeDocument && { document: state.activeDocument };
      },
      visibleTextEditors: [],
      tabGroups: withStubs({ all: [] }),
      showErrorMessage: message('error'),
      showWarningMessage: message('warning'),
      showInformationMessage: message('info'),
      showInputBox: () => Promise.resolve(state.inputs.shift()),
      createOutputChannel: () => withStubs({ appendLine() {}, show() {}, dispose() {} }),
      createStatusBarItem: () => withStubs(state.status),
    }),
    commands: withStubs({
      registerCommand: (id: string, run: (...args: unknown[]) => unknown) => {
        // VS Code refuses a second registration of an id; so does this.
        if (state.commands.has(id)) throw new Error(`command '${id}' already exists`);
        state.commands.set(id, run);
        return { dispose: () => state.commands.delete(id) };
      },
      executeCommand: (id: string, ...args: unknown[]) => Promise.resolve(state.commands.get(id)?.(...args)),
    }),
    languages: withStubs({
      // Enough of the selector logic for the documents the tests open.
      match: (_selector: unknown, doc: FakeDocument) => (['jsonl', 'ftls-plan'].includes(doc.languageId) ? 10 : 0),
    }),
    Uri: withStubs({ parse: (s: string) => ({ toString: () => s }), file: (p: string) => fileUri(p) }),
    StatusBarAlignment: { Left: 1, Right: 2 },
    ThemeColor: class {
      constructor(readonly id: string) {}
    },
  });

  const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const load = loader._load;
  loader._load = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? vscode : load.call(this, request, ...rest);
  };

  const context = {
    subscriptions: [] as { dispose(): unknown }[],
    // An extension folder that does not exist, so no bundled binary: it
    // comes from ftls.path or PATH.
    extensionPath: join(tmpdir(), 'ftls-test-no-extension-folder'),
    secrets: {
      get: (key: string) => Promise.resolve(state.secrets.get(key)),
      store: (key: string, value: string) => {
        state.secrets.set(key, value);
        secretChanged.fire({ key });
        return Promise.resolve();
      },
      delete: (key: string) => {
        state.secrets.delete(key);
        secretChanged.fire({ key });
        return Promise.resolve();
      },
      onDidChange: secretChanged.event,
    },
  };
  return { state, context };
}
