// POST /oauth/v1/token (authorization_code and refresh_token grants, form-encoded) and the token info endpoints.
// Errors are 400 with `{"status":"BAD_REFRESH_TOKEN","message":"missing or unknown refresh token",...}`.
// https://developers.hubspot.com/docs/guides/apps/authentication/working-with-oauth
import type { Account } from '../account.ts';
import { correlationId } from '../http/errors.ts';
import { json } from '../http/http.ts';
import type { Req, Res } from '../http/http.ts';

const SCOPES = ['oauth', 'crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.objects.companies.read',
  'crm.objects.companies.write', 'crm.objects.deals.read', 'crm.objects.deals.write', 'crm.schemas.contacts.write',
  'crm.schemas.companies.write', 'crm.schemas.deals.write'];

const bad = (status: string, message: string): Res => json(400, { status, message, correlationId: correlationId() });

export function tokenEndpoint(acct: Account, req: Req): Res {
  const form = new URLSearchParams(req.body);
  const grant = form.get('grant_type');
  if (grant !== 'authorization_code' && grant !== 'refresh_token') {
    return bad('BAD_GRANT_TYPE', 'grant_type must be one of authorization_code or refresh_token');
  }
  if (form.get('client_id') !== acct.config.clientId) return bad('BAD_CLIENT_ID', 'missing or unknown client id');
  if (form.get('client_secret') !== acct.config.clientSecret) return bad('BAD_CLIENT_SECRET', 'missing or invalid client secret');
  if (grant === 'refresh_token') {
    const issued = acct.tokens.refreshWith(form.get('refresh_token') ?? '');
    return issued ? json(200, issued) : bad('BAD_REFRESH_TOKEN', 'missing or unknown refresh token');
  }
  const r = acct.tokens.redeemCode(form.get('code') ?? '', form.get('redirect_uri') ?? undefined);
  if (r === 'bad-code') return bad('BAD_AUTH_CODE', 'missing or unknown auth code');
  if (r === 'bad-redirect') return bad('BAD_REDIRECT_URI', 'redirect_uri does not match initial auth code URI');
  return json(200, r);
}

/** GET /oauth/v1/access-tokens/{token} and /oauth/v1/refresh-tokens/{token}. */
export function tokenInfo(acct: Account, req: Req): Res {
  const [, , , what, token] = req.path.split('/');
  const common = { user: 'integration@leadrelay.test', hub_domain: `leadrelay-${acct.config.portalId}.hubspot.com`, scopes: SCOPES, hub_id: acct.config.portalId, app_id: 1_000_001, user_id: 7_000_001 };
  if (what === 'access-tokens' && token) {
    const info = acct.tokens.info(decodeURIComponent(token));
    if (info) return json(200, { token: decodeURIComponent(token), ...common, scope_to_scope_group_pks: [], trial_scopes: [], trial_scope_to_scope_group_pks: [], expires_in: info.expiresIn, token_type: 'access' });
  }
  if (what === 'refresh-tokens' && token && acct.tokens.hasRefresh(decodeURIComponent(token))) {
    return json(200, { token: decodeURIComponent(token), ...common, client_id: acct.config.clientId, token_type: 'refresh' });
  }
  return json(404, { status: 'error', message: 'Token not found', correlationId: correlationId() });
}
