// Where the config's relative paths point. They resolve against LoadedConfig.baseDir, never the process cwd,
// so the daemon finds the same files whichever folder it was started from.
import path from 'node:path';
import type { LoadedConfig } from './load.ts';

export function resolveConfigPath(config: Pick<LoadedConfig, 'baseDir'>, p: string): string {
  return path.resolve(config.baseDir, p);
}

export function mappingsDirOf(config: Pick<LoadedConfig, 'baseDir' | 'mappingsDir'>): string {
  return resolveConfigPath(config, config.mappingsDir);
}

export type StoreLocation = { readonly kind: 'sqlite'; readonly file: string } | { readonly kind: 'memory' } | { readonly kind: 'postgres' };

export function storeLocation(config: Pick<LoadedConfig, 'baseDir' | 'store'>): StoreLocation {
  const url = config.store.url;
  if (url === ':memory:' || url === 'sqlite::memory:') return { kind: 'memory' };
  if (/^postgres(ql)?:\/\//i.test(url)) return { kind: 'postgres' };
  return { kind: 'sqlite', file: resolveConfigPath(config, url.slice('sqlite:'.length)) };
}
