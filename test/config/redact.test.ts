import { describe, expect, it } from 'vitest';
import { redactConfig } from '../../src/config/redact.ts';
import { configSchema } from '../../src/config/schema.ts';
import { loadText } from './helpers.ts';

describe('redactConfig', () => {
  it('hides secrets and every value built from the environment, keeping the rest', () => {
    const r = loadText('salesforce:\n  instanceUrl: https://${SF_HOST}\n  auth:\n    clientId: ${SF_CLIENT_ID}\n    password: literal-secret\n', { SF_HOST: 'acme.my.salesforce.com', SF_CLIENT_ID: 'cid' });
    if (!r.ok) throw new Error('loads');
    const shown = redactConfig(r.value);
    expect(shown.salesforce.instanceUrl).toBe('***');
    expect(shown.salesforce.auth).toMatchObject({ clientId: '***', password: '***', clientSecret: null, flow: 'password' });
    expect(shown.envRefs['salesforce.auth.clientId']).toEqual(['SF_CLIENT_ID']);
    expect(shown).not.toHaveProperty('keyLines');
    expect(JSON.stringify(shown)).not.toMatch(/cid|literal-secret|acme/);
    // the input is untouched
    expect(r.value.salesforce.auth.password).toBe('literal-secret');
  });

  it('masks a password in a database URL', () => {
    const defaults = configSchema.parse({});
    const c = { ...defaults, store: { ...defaults.store, url: 'postgres://lr:s3cret@db/lr' } };
    expect(redactConfig(c).store.url).toBe('postgres://lr:***@db/lr');
  });
});
