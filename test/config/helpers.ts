// Test helpers: a throw-away project folder with a config file in it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import type { ConfigResult } from '../../src/config/load.ts';

// Temp folders go when the importing test file is done (a hook registered while the file is collected).
const created: string[] = [];
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');

export function tempProject(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'leadrelay-config-'));
  created.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** Load `text` as <project>/my.yaml. */
export function loadText(text: string, env: Record<string, string | undefined> = {}): ConfigResult {
  const cwd = tempProject({ 'my.yaml': text });
  return loadConfig({ path: 'my.yaml', env, cwd });
}
