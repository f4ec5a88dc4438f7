// The settings object the client sends to `ftls serve`, in
// initializationOptions and as the "ftls" section of workspace/configuration
// (the server's clientSettings in lsp/clientsettings.go). No VS Code import: the unit
// tests run it under plain node.

/** Reads one setting of the "ftls" section, by its key below "ftls.". */
export type SettingReader = (key: string) => unknown;

/** What lsp/clientsettings.go accepts; absent fields leave ftls.yaml and the plan in charge. */
export interface ServerSettings {
  target?: string;
  model?: string;
  maxTokens?: number;
  nearDuplicateThreshold?: number;
  metadataKey?: string;
  categoryField?: string;
  rules?: Record<string, string>;
  debounceMs?: number;
  generation?: { baseUrl?: string; model?: string; apiKey?: string };
}

/**
 * Builds the server settings from the editor's. Empty strings, null and
 * empty objects are the settings' "unset" defaults and are left out: the
 * server layers client settings over ftls.yaml and the plan, so sending a
 * default would override them. apiKey comes from secret storage, never
 * from a setting.
 */
export function serverSettings(read: SettingReader, apiKey?: string): ServerSettings {
  const out: ServerSettings = {};
  const target = text(read('target'));
  if (target) out.target = target;
  const model = text(read('model'));
  if (model) out.model = model;
  const maxTokens = num(read('maxTokens'));
  if (maxTokens !== undefined) out.maxTokens = maxTokens;
  const threshold = num(read('nearDuplicateThreshold'));
  if (threshold !== undefined) out.nearDuplicateThreshold = threshold;
  const metadataKey = text(read('metadataKey'));
  if (metadataKey) out.metadataKey = metadataKey;
  const categoryField = text(read('categoryField'));
  if (categoryField) out.categoryField = categoryField;
  const rules = severities(read('rules'));
  if (rules) out.rules = rules;
  const debounceMs = num(read('debounceMs'));
  if (debounceMs !== undefined) out.debounceMs = debounceMs;

  const generation = {
    baseUrl: text(read('generation.baseUrl')),
    model: text(read('generation.model')),
    apiKey: text(apiKey),
  };
  const setGeneration = Object.fromEntries(Object.entries(generation).filter(([, v]) => v));
  if (Object.keys(setGeneration).length > 0) out.generation = setGeneration;
  return out;
}

// The readers below drop values of the wrong type instead of failing: a
// hand-edited settings.json must not stop the server from starting, and the
// server reports values it rejects.

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function severities(v: unknown): Record<string, string> | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const entries = Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string');
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}
