import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import type { LoadedConfig } from '../../src/config/load.ts';
import { configSchema } from '../../src/config/schema.ts';
import { repoRoot, tempProject } from './helpers.ts';

const defaultYaml = path.join(repoRoot, 'config/default.yaml');
const strip = ({ sourceFile: _s, baseDir: _b, keyLines: _k, ...rest }: LoadedConfig) => rest;

describe('config/default.yaml', () => {
  it('validates and equals the schema defaults (credentials from an empty environment are null)', () => {
    const r = loadConfig({ path: defaultYaml, env: {}, cwd: repoRoot });
    if (!r.ok) throw new Error(JSON.stringify(r.issues, null, 2));
    const { envRefs: _e, ...config } = strip(r.value);
    expect(config).toEqual(configSchema.parse({}));
  });

  it('takes the same variables as the built-in defaults, for any environment (property)', () => {
    const names = ['SF_CLIENT_ID', 'SF_CLIENT_SECRET', 'SF_USERNAME', 'SF_PASSWORD', 'SF_REFRESH_TOKEN', 'SF_PRIVATE_KEY_FILE', 'HUBSPOT_ACCESS_TOKEN'];
    const empty = tempProject();
    fc.assert(fc.property(fc.dictionary(fc.constantFrom(...names), fc.string({ minLength: 1 })), (env) => {
      const fromFile = loadConfig({ path: defaultYaml, env, cwd: repoRoot });
      const builtIn = loadConfig({ env, cwd: empty });
      if (!fromFile.ok || !builtIn.ok) throw new Error('both must load');
      expect(strip(builtIn.value)).toEqual(strip(fromFile.value));
    }), { numRuns: 50 });
  });

  it('points editors at the JSON Schema', () => {
    expect(readFileSync(defaultYaml, 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=./schema/config.schema.json');
  });
});
