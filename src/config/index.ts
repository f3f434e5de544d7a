// The config module's public surface. loadConfig is the only reader of config files and environment values.
export { loadConfig } from './load.ts';
export type { ConfigResult, LoadConfigOptions, LoadedConfig } from './load.ts';
export { configSchema, authFlows, secretPaths } from './schema.ts';
export type { AuthFlow, Config } from './schema.ts';
export { requireCrmCredentials, requireHubSpotCredentials, requireSalesforceCredentials, credentialsByFlow, hubspotCredentialsByFlow } from './credentials.ts';
export { redactConfig, redacted } from './redact.ts';
export { mappingsDirOf, resolveConfigPath, storeLocation } from './paths.ts';
export type { StoreLocation } from './paths.ts';
export { dottedPath, formatIssue, sortIssues } from './issues.ts';
export type { ConfigIssue } from './issues.ts';
export { cronError } from './cron.ts';
