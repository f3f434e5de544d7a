import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonSchemas } from '../../src/config/json-schemas.ts';
import { repoRoot } from './helpers.ts';

describe('published JSON Schemas', () => {
  it.each(Object.entries(jsonSchemas()))('%s is up to date (run `npx tsx src/config/write-schemas.ts`)', (file, content) => {
    expect(readFileSync(path.join(repoRoot, file), 'utf8')).toBe(content);
  });

  it('the mapping schema names the canonical targets, for autocomplete', () => {
    const schema = JSON.parse(jsonSchemas()['mappings/schema/mapping.schema.json'] ?? '{}') as { oneOf: Array<{ properties: { fields?: { properties?: Record<string, unknown> } } }> };
    expect(Object.keys(schema.oneOf[0]?.properties.fields?.properties ?? {})).toContain('productInterest');
  });

  it('every shipped YAML file points at its schema', () => {
    for (const f of ['mappings/salesforce/lead.yaml', 'mappings/salesforce/partner.yaml', 'mappings/salesforce/partner-user.yaml', 'mappings/salesforce/opportunity.yaml']) {
      expect(readFileSync(path.join(repoRoot, f), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/mapping.schema.json');
    }
  });
});
