// loadConfig: the only reader of config files and environment values (callers pass process.env in).
// Resolution: opts.path, else LEADRELAY_CONFIG, else <cwd>/config/leadrelay.yaml if present, else built-in
// defaults. Every problem comes back at once with file, line, key path and a hint (CONVENTIONS rule 4).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ConfigIssue } from './issues.ts';
import { dottedPath, sortIssues } from './issues.ts';
import { envDefaults } from './defaults.ts';
import { interpolate } from './interpolate.ts';
import { configSchema } from './schema.ts';
import type { Config } from './schema.ts';
import { parseYamlSource } from './yaml-source.ts';
import type { YamlSource } from './yaml-source.ts';
import { zodIssuesToConfigIssues } from './zod-issues.ts';

export type LoadedConfig = Config & {
  /** Absolute path of the file read; null = built-in defaults. */
  readonly sourceFile: string | null;
  /** Relative paths in the config (mappingsDir, store.url) resolve against this folder. */
  readonly baseDir: string;
  /** Dotted key path → environment variable names the value came from. Those values are never printed. */
  readonly envRefs: Readonly<Record<string, readonly string[]>>;
  /** Dotted key path → line in sourceFile, for issues found after loading (e.g. missing credentials). */
  readonly keyLines: Readonly<Record<string, number>>;
};

export type ConfigResult = { readonly ok: true; readonly value: LoadedConfig } | { readonly ok: false; readonly issues: ConfigIssue[] };

export interface LoadConfigOptions {
  readonly path?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export function loadConfig(opts: LoadConfigOptions): ConfigResult {
  const explicit = opts.path ?? (opts.env['LEADRELAY_CONFIG'] || undefined);
  const conventional = path.join(opts.cwd, 'config', 'leadrelay.yaml');
  const file = explicit !== undefined ? path.resolve(opts.cwd, explicit) : existsSync(conventional) ? conventional : null;
  if (file === null) return fromValue(envDefaults, null, opts, opts.cwd);

  const shown = display(file, opts.cwd);
  const via = opts.path !== undefined ? '--config' : 'LEADRELAY_CONFIG';
  if (!existsSync(file)) return fail([{ file: shown, line: null, path: '', message: 'config file not found', hint: `check the path given with ${via}` }]);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return fail([{ file: shown, line: null, path: '', message: `cannot read the config file (${(e as NodeJS.ErrnoException).code ?? 'error'})`, hint: 'check that it is a readable file' }]);
  }
  const source = parseYamlSource(text, shown);
  if (source.syntaxIssues.length > 0) return fail([...source.syntaxIssues]);
  // An empty file is a valid config: every default applies.
  const raw = source.value ?? {};
  return fromValue(raw, source, opts, baseDirOf(file), file);
}

function fromValue(raw: unknown, source: YamlSource | null, opts: LoadConfigOptions, baseDir: string, file: string | null = null): ConfigResult {
  const src: YamlSource = source ?? { file: '(built-in defaults)', value: raw, syntaxIssues: [], lineAt: () => null };
  const { value, envRefs, problems } = interpolate(raw, opts.env);
  const issues: ConfigIssue[] = problems.map((p) => ({ file: src.file, line: src.lineAt(p.path), path: dottedPath(p.path), message: p.message, hint: p.hint }));
  const parsed = configSchema.safeParse(value);
  if (!parsed.success) issues.push(...zodIssuesToConfigIssues(parsed.error.issues, src, configSchema));
  if (!parsed.success || issues.length > 0) return fail(issues);
  return { ok: true, value: { ...parsed.data, sourceFile: file, baseDir, envRefs, keyLines: source === null ? {} : keyLines(raw, source) } };
}

function fail(issues: ConfigIssue[]): ConfigResult {
  return { ok: false, issues: sortIssues(issues) };
}

/**
 * Relative paths are written from the project's point of view (`mappingsDir: mappings`), so a file in the
 * conventional `config/` folder resolves them against that folder's parent; any other file against its own folder.
 */
function baseDirOf(file: string): string {
  const dir = path.dirname(file);
  return path.basename(dir) === 'config' ? path.dirname(dir) : dir;
}

function display(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

function keyLines(raw: unknown, source: YamlSource): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (v: unknown, p: readonly PropertyKey[]): void => {
    if (p.length > 0) {
      const line = source.lineAt(p, { key: true });
      if (line !== null) out[dottedPath(p)] = line;
    }
    if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...p, Array.isArray(v) ? Number(k) : k]);
  };
  walk(raw, []);
  return out;
}
