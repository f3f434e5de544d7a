// A config fit for printing (`leadrelay config show`, start-up logs): secrets and anything built from the
// environment become '***'. Only the variable names stay visible, so people can see where a value comes from.
import type { LoadedConfig } from './load.ts';
import type { Config } from './schema.ts';
import { secretPaths } from './schema.ts';

export const redacted = '***';

export function redactConfig<T extends Config | LoadedConfig>(config: T): Omit<T, 'keyLines'> {
  const fromEnv = 'envRefs' in config ? Object.keys(config.envRefs) : [];
  const hide = new Set([...secretPaths, ...fromEnv]);
  const walk = (v: unknown, p: string): unknown => {
    if (hide.has(p) && v !== null && v !== undefined) return redacted;
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${p}[${i}]`));
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, p === '' ? k : `${p}.${k}`)]));
    // A database URL may carry a password (postgres://user:secret@host) once PostgreSQL arrives.
    if (p === 'store.url' && typeof v === 'string') return v.replace(/\/\/([^:/@]+):[^@]*@/, `//$1:${redacted}@`);
    return v;
  };
  const { keyLines: _lines, ...rest } = config as T & { keyLines?: unknown };
  return walk(rest, '') as Omit<T, 'keyLines'>;
}
