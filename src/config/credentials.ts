// Credentials are optional when the config loads (validate, demo and setup --dry-run need none) and required
// when a command talks to Salesforce: that command calls this and prints the issues, which name the variable
// to set.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { defaultEnvNames } from './defaults.ts';
import type { ConfigIssue } from './issues.ts';
import type { LoadedConfig } from './load.ts';
import type { AuthFlow, Config } from './schema.ts';

type AuthKey = keyof Config['salesforce']['auth'];

/** What each OAuth flow needs (https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_flows.htm). */
export const credentialsByFlow: Readonly<Record<AuthFlow, readonly AuthKey[]>> = {
  password: ['clientId', 'clientSecret', 'username', 'password'],
  refresh_token: ['clientId', 'refreshToken'],
  client_credentials: ['clientId', 'clientSecret'],
  jwt: ['clientId', 'username', 'privateKeyFile'],
};

export function requireSalesforceCredentials(config: Config | LoadedConfig): ConfigIssue[] {
  const loaded = 'sourceFile' in config ? config : null;
  const file = loaded?.sourceFile ?? '(built-in defaults)';
  const auth = config.salesforce.auth;
  const flow = auth.flow;
  const issues: ConfigIssue[] = [];
  for (const key of credentialsByFlow[flow]) {
    const p = `salesforce.auth.${key}`;
    const line = loaded?.keyLines[p] ?? null;
    if (auth[key] === null) {
      const names = loaded?.envRefs[p];
      const name = names?.[0] ?? defaultEnvNames[p] ?? 'NAME';
      const hint = names !== undefined
        ? `set ${names.join(' / ')} in the environment`
        : `set ${name} in the environment and write \`${key}: \${${name}}\` under salesforce.auth`;
      issues.push({ file, line, path: p, message: `the ${flow} flow needs ${key}, and it is not set`, hint });
    }
  }
  if (flow === 'jwt' && auth.privateKeyFile !== null && loaded !== null) {
    const keyFile = path.resolve(loaded.baseDir, auth.privateKeyFile);
    if (!existsSync(keyFile)) {
      issues.push({ file, line: loaded.keyLines['salesforce.auth.privateKeyFile'] ?? null, path: 'salesforce.auth.privateKeyFile', message: 'the private key file does not exist', hint: `check the path (resolved against ${loaded.baseDir})` });
    }
  }
  return issues;
}

type HubSpotAuthKey = keyof Config['hubspot']['auth'];

/** What each HubSpot auth flow needs. https://developers.hubspot.com/docs/guides/apps/authentication/intro-to-auth */
export const hubspotCredentialsByFlow: Readonly<Record<Config['hubspot']['auth']['flow'], readonly HubSpotAuthKey[]>> = {
  private_app: ['accessToken'],
  oauth: ['clientId', 'clientSecret', 'refreshToken'],
};

export function requireHubSpotCredentials(config: Config | LoadedConfig): ConfigIssue[] {
  const loaded = 'sourceFile' in config ? config : null;
  const file = loaded?.sourceFile ?? '(built-in defaults)';
  const auth = config.hubspot.auth;
  const issues: ConfigIssue[] = [];
  for (const key of hubspotCredentialsByFlow[auth.flow]) {
    const p = `hubspot.auth.${key}`;
    if (auth[key] !== null) continue;
    const names = loaded?.envRefs[p];
    const name = names?.[0] ?? defaultEnvNames[p] ?? 'NAME';
    const hint = names !== undefined
      ? `set ${names.join(' / ')} in the environment`
      : `set ${name} in the environment and write \`${key}: \${${name}}\` under hubspot.auth`;
    issues.push({ file, line: loaded?.keyLines[p] ?? null, path: p, message: `the ${auth.flow} flow needs ${key}, and it is not set`, hint });
  }
  return issues;
}

/** The credential check of the configured CRM: commands that talk to it call this, whatever the CRM. */
export const requireCrmCredentials: Readonly<Record<Config['crm'], (config: Config | LoadedConfig) => ConfigIssue[]>> = {
  salesforce: requireSalesforceCredentials,
  hubspot: requireHubSpotCredentials,
};
