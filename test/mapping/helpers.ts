// Test helpers: write a throw-away mapping folder (the shipped files, with overrides) and load it.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { loadMappings } from '../../src/mapping/load.ts';
import type { LoadedMappings, MappingIssue } from '../../src/mapping/types.ts';

// Temp folders go when the importing test file is done (a hook registered while the file is collected).
const created: string[] = [];
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');
export const shippedDir = path.join(repoRoot, 'mappings');

/** A copy of mappings/salesforce with some files replaced or added (null deletes one). Returns the mappings dir. */
export function mappingDir(files: Record<string, string | null> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'leadrelay-mapping-'));
  created.push(dir);
  cpSync(path.join(shippedDir, 'salesforce'), path.join(dir, 'salesforce'), { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(dir, 'salesforce', name);
    if (text === null) rmSync(file);
    else writeFileSync(file, text);
  }
  return dir;
}

export function issuesFor(files: Record<string, string | null>): MappingIssue[] {
  const dir = mappingDir(files);
  const r = loadMappings(dir, 'salesforce', { relativeTo: dir });
  return r.ok ? [] : r.issues;
}

export function loadWith(files: Record<string, string | null>): LoadedMappings {
  const dir = mappingDir(files);
  const r = loadMappings(dir, 'salesforce', { relativeTo: dir });
  if (!r.ok) throw new Error(`mappings do not load: ${JSON.stringify(r.issues, null, 2)}`);
  return r.value;
}

export function loadShipped(): LoadedMappings {
  const r = loadMappings(shippedDir, 'salesforce', { relativeTo: repoRoot });
  if (!r.ok) throw new Error(`shipped mappings do not load: ${JSON.stringify(r.issues, null, 2)}`);
  return r.value;
}

/** A minimal lead mapping: `fields` and `extra` are YAML text, indented by the caller. */
export const leadYaml = (fields: string, extra = ''): string => `object: Lead
entity: lead
mql: "Status = 'Marketing Qualified'"
fields:
${fields}
${extra}`;
