// The built-in configuration used when no file is found: config/default.yaml's values without reading it (the
// file may not ship next to an installed binary). Everything is the schema default except the credentials,
// which default.yaml takes from the environment: the same `${NAME}` references, interpolated the same way.
// A test pins that default.yaml and this produce the same config for any environment.

export const envDefaults = {
  salesforce: {
    auth: {
      clientId: '${SF_CLIENT_ID}',
      clientSecret: '${SF_CLIENT_SECRET}',
      username: '${SF_USERNAME}',
      password: '${SF_PASSWORD}',
      refreshToken: '${SF_REFRESH_TOKEN}',
      privateKeyFile: '${SF_PRIVATE_KEY_FILE}',
    },
  },
  hubspot: {
    auth: {
      accessToken: '${HUBSPOT_ACCESS_TOKEN}',
      clientId: '${HUBSPOT_CLIENT_ID}',
      clientSecret: '${HUBSPOT_CLIENT_SECRET}',
      refreshToken: '${HUBSPOT_REFRESH_TOKEN}',
    },
  },
  web: {
    secret: '${LEADRELAY_WEB_SECRET}',
  },
  mail: {
    smtp: { user: '${SMTP_USER}', password: '${SMTP_PASSWORD}' },
  },
} as const;

/** The variable default.yaml reads each credential from, for hints. */
export const defaultEnvNames: Readonly<Record<string, string>> = {
  'salesforce.auth.clientId': 'SF_CLIENT_ID',
  'salesforce.auth.clientSecret': 'SF_CLIENT_SECRET',
  'salesforce.auth.username': 'SF_USERNAME',
  'salesforce.auth.password': 'SF_PASSWORD',
  'salesforce.auth.refreshToken': 'SF_REFRESH_TOKEN',
  'salesforce.auth.privateKeyFile': 'SF_PRIVATE_KEY_FILE',
  'hubspot.auth.accessToken': 'HUBSPOT_ACCESS_TOKEN',
  'hubspot.auth.clientId': 'HUBSPOT_CLIENT_ID',
  'hubspot.auth.clientSecret': 'HUBSPOT_CLIENT_SECRET',
  'hubspot.auth.refreshToken': 'HUBSPOT_REFRESH_TOKEN',
  'web.secret': 'LEADRELAY_WEB_SECRET',
  'mail.smtp.user': 'SMTP_USER',
  'mail.smtp.password': 'SMTP_PASSWORD',
};
