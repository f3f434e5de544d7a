import { describe, expect, it } from 'vitest';
import { requireSalesforceCredentials } from '../../src/config/credentials.ts';
import { configSchema } from '../../src/config/schema.ts';
import { loadConfig } from '../../src/config/load.ts';
import { loadText, tempProject } from './helpers.ts';

describe('requireSalesforceCredentials', () => {
  it('names each missing credential of the password flow and the variable to set', () => {
    const r = loadText('salesforce:\n  auth:\n    clientId: ${SF_CLIENT_ID}\n    clientSecret: ${SF_CLIENT_SECRET}\n    username: ${SF_USERNAME}\n', { SF_CLIENT_ID: 'id', SF_USERNAME: 'u' });
    if (!r.ok) throw new Error('loads');
    const file = r.value.sourceFile ?? '';
    expect(file).toMatch(/my\.yaml$/);
    expect(requireSalesforceCredentials(r.value)).toEqual([
      { file, line: 4, path: 'salesforce.auth.clientSecret', message: 'the password flow needs clientSecret, and it is not set', hint: 'set SF_CLIENT_SECRET in the environment' },
      { file, line: null, path: 'salesforce.auth.password', message: 'the password flow needs password, and it is not set', hint: 'set SF_PASSWORD in the environment and write `password: ${SF_PASSWORD}` under salesforce.auth' },
    ]);
  });

  it('knows what each flow needs', () => {
    const need = (flow: string, auth: Record<string, string> = {}): string[] =>
      requireSalesforceCredentials(configSchema.parse({ salesforce: { auth: { flow, ...auth } } })).map((i) => i.path.replace('salesforce.auth.', ''));
    expect(need('password')).toEqual(['clientId', 'clientSecret', 'username', 'password']);
    expect(need('refresh_token', { clientId: 'x' })).toEqual(['refreshToken']);
    expect(need('client_credentials')).toEqual(['clientId', 'clientSecret']);
    expect(need('jwt', { clientId: 'x', username: 'u' })).toEqual(['privateKeyFile']);
  });

  it('checks that the jwt key file exists, relative to the base folder', () => {
    const cwd = tempProject({ 'config/leadrelay.yaml': 'salesforce:\n  auth:\n    flow: jwt\n    clientId: id\n    username: u\n    privateKeyFile: keys/server.key\n' });
    const r = loadConfig({ env: {}, cwd });
    if (!r.ok) throw new Error('loads');
    expect(requireSalesforceCredentials(r.value)).toEqual([expect.objectContaining({ line: 6, path: 'salesforce.auth.privateKeyFile', message: 'the private key file does not exist' })]);
    const withKey = loadConfig({ env: {}, cwd: tempProject({ 'config/leadrelay.yaml': 'salesforce:\n  auth:\n    flow: jwt\n    clientId: id\n    username: u\n    privateKeyFile: keys/server.key\n', 'keys/server.key': 'PEM' }) });
    expect(withKey.ok && requireSalesforceCredentials(withKey.value)).toEqual([]);
  });
});
