// The HubSpot connector's pure pieces: error classification, per-record outcomes, wire values, verify's comparison.
import { describe, expect, it } from 'vitest';
import { classifyHubSpot, responseError } from '../../../src/connectors/hubspot/errors.ts';
import { failedReason, recordOutcome } from '../../../src/connectors/hubspot/outcomes.ts';
import { sameValue } from '../../../src/connectors/hubspot/verify.ts';
import { wireProperties } from '../../../src/connectors/hubspot/write.ts';
import { hubspotMappings } from './env.ts';

const now = new Date('2025-05-20T12:00:00Z');
const err = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  responseError({ method: 'POST', path: '/crm/v3/objects/contacts/batch/update?x=1', status, headers, text: typeof body === 'string' ? body : JSON.stringify(body), now });

describe('hubspot error classification', () => {
  it('waits out the burst window, stops for the day on DAILY, refreshes OAuth on 401 once', () => {
    const burst = err(429, { status: 'error', policyName: 'TEN_SECONDLY_ROLLING', message: 'You have reached your ten_secondly_rolling limit.' }, { 'x-hubspot-ratelimit-interval-milliseconds': '10000' });
    expect(classifyHubSpot(burst, false)).toEqual({ kind: 'retry', code: 'TEN_SECONDLY_ROLLING', retryAfterMs: 10_000 });
    expect(classifyHubSpot(err(429, { policyName: 'SECONDLY' }), false)).toMatchObject({ kind: 'retry', retryAfterMs: 1000 });
    expect(classifyHubSpot(err(429, { policyName: 'TEN_SECONDLY_ROLLING' }, { 'retry-after': '7' }), false)).toMatchObject({ retryAfterMs: 7000 });
    expect(classifyHubSpot(err(429, { policyName: 'DAILY', message: 'You have reached your daily limit.' }), false)).toEqual({ kind: 'quota', code: 'DAILY' });
    const expired = err(401, { category: 'EXPIRED_AUTHENTICATION', message: 'The OAuth token used to make this call expired 0 second(s) ago.' });
    expect(classifyHubSpot(expired, true)).toEqual({ kind: 'refresh', code: 'EXPIRED_AUTHENTICATION' });
    expect(classifyHubSpot(expired, false).kind).toBe('fatal');
    expect(classifyHubSpot(err(423, { category: 'LOCKED' }), false).kind).toBe('retry');
    expect(classifyHubSpot(err(503, '<html><body>down</body></html>'), false).kind).toBe('retry');
    expect(classifyHubSpot(err(400, { category: 'VALIDATION_ERROR', message: 'bad' }), false).kind).toBe('fatal');
  });

  it('keeps method, path (no query), status and code; drops bodies and personal data', () => {
    const e = err(400, { category: 'VALIDATION_ERROR', message: 'Contact with email jane@acme.io already exists' });
    expect(e.toJSON()).toMatchObject({ vendor: 'hubspot', method: 'POST', path: '/crm/v3/objects/contacts/batch/update', status: 400, code: 'VALIDATION_ERROR' });
    expect(e.message).not.toContain('jane@acme.io');
    expect(err(503, '<html>x</html>').message).toContain('HTML error page');
    expect(err(400, { status: 'BAD_REFRESH_TOKEN', message: 'missing or unknown refresh token' }).code).toBe('BAD_REFRESH_TOKEN');
  });
});

describe('hubspot per-record outcomes', () => {
  const m = hubspotMappings().lead;
  it('reads HubSpot validation lists into a readable message with the property and its mapping line', () => {
    const e = { category: 'VALIDATION_ERROR', message: 'Property values were not valid: [{"isValid":false,"message":"Bogus was not one of the allowed options: [Offered]","error":"INVALID_OPTION","name":"leadrelay_partner_status"}]', context: { ids: ['1'] } };
    const r = failedReason(m, e);
    expect(r).toMatchObject({ code: 'INVALID_OPTION', fields: ['leadrelay_partner_status'], source: expect.stringMatching(/^mappings\/hubspot\/lead\.yaml:\d+$/) });
    expect(r.message).toBe('Property values were not valid: leadrelay_partner_status: Bogus was not one of the allowed options: [Offered]');
  });

  it('classifies categories: gone, retry, failed', () => {
    expect(recordOutcome(m, { category: 'OBJECT_NOT_FOUND', message: 'gone' }).status).toBe('gone');
    expect(recordOutcome(m, { category: 'LOCKED', message: 'lock' })).toMatchObject({ status: 'retry', retryAfterMs: 2000 });
    expect(recordOutcome(m, { category: 'CONFLICT', message: 'dup' }).status).toBe('failed');
    expect(recordOutcome(m, { category: 'CONFLICT', message: 'dup' }, { conflictIsRetry: true }).status).toBe('retry');
  });
});

describe('hubspot wire values', () => {
  it('writes null as an empty value, numbers as text, a date as midnight UTC', () => {
    expect(wireProperties({ a: null, b: 25000, c: true, d: '2026-12-15', e: 'x' }, new Set(['d']))).toEqual({ a: '', b: '25000', c: 'true', d: '2026-12-15T00:00:00.000Z', e: 'x' });
  });

  it("compares HubSpot's stored form with what would be written", () => {
    expect(sameValue('', null)).toBe(true);
    expect(sameValue('25000', '25000.0')).toBe(true);
    expect(sameValue('2026-12-15T00:00:00.000Z', '2026-12-15')).toBe(true);
    expect(sameValue('2025-05-20T12:00:00Z', '2025-05-20T12:00:00.000Z')).toBe(true);
    expect(sameValue('Offered', 'Reserved')).toBe(false);
    expect(sameValue('x', null)).toBe(false);
  });
});
