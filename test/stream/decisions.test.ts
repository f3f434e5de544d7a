// Pure decisions of the realtime path (no I/O): what a CDC event asks for, the v3 signing URI, the MQL filter.
import { describe, expect, it } from 'vitest';
import { batchOf } from '../../src/connectors/salesforce/streaming.ts';
import { signV3, signingUri, verifyV3 } from '../../src/connectors/hubspot/webhooks.ts';
import { groupsHold } from '../../src/connectors/hubspot/webhooks-read.ts';

const ev = (changeType: string, recordIds: string[], replayId = 7) => ({ schema: 's', payload: { ChangeEventHeader: { entityName: 'Lead', changeType, recordIds, changedFields: [] } }, event: { replayId } });

describe('batchOf (CDC event → what to re-read)', () => {
  it('re-reads the ids of change and gap events, polls for overflow, wildcard ids or no ids', () => {
    expect(batchOf(ev('UPDATE', ['00Q1']))).toEqual({ ids: ['00Q1'], catchUp: false, checkpoint: '7', reason: 'change' });
    expect(batchOf(ev('GAP_DELETE', ['00Q1', '00Q2']))).toEqual({ ids: ['00Q1', '00Q2'], catchUp: false, checkpoint: '7', reason: 'gap' });
    expect(batchOf(ev('GAP_OVERFLOW', []))).toMatchObject({ ids: [], catchUp: true, reason: 'overflow' });
    expect(batchOf(ev('GAP_UPDATE', ['000000000000000AAA']))).toMatchObject({ catchUp: true });
    expect(batchOf({ payload: {} })).toHaveProperty('malformed');
  });
});

describe('HubSpot v3 signature', () => {
  it('decodes the listed escapes in the URI before signing, and checks the age of the timestamp', () => {
    expect(signingUri('https://h.test/hooks/hubspot?x=a%3Ab%2Fc%20d')).toBe('https://h.test/hooks/hubspot?x=a:b/c%20d');
    const ts = '1700000000000';
    const sig = signV3('k', 'POST', 'https://h.test/hooks/hubspot', '[]', ts);
    const base = { secret: 'k', method: 'POST', uri: 'https://h.test/hooks/hubspot', body: '[]', signature: sig, timestamp: ts, maxAgeMs: 300_000 };
    expect(verifyV3({ ...base, now: new Date(1_700_000_299_000) })).toEqual({ ok: true });
    expect(verifyV3({ ...base, now: new Date(1_700_000_301_000) })).toMatchObject({ ok: false, code: 'WEBHOOK.STALE' });
    expect(verifyV3({ ...base, body: '[ ]', now: new Date(1_700_000_000_000) })).toMatchObject({ ok: false, code: 'WEBHOOK.SIGNATURE_INVALID' });
    expect(verifyV3({ ...base, signature: sig.slice(1), now: new Date(1_700_000_000_000) })).toMatchObject({ ok: false, code: 'WEBHOOK.SIGNATURE_INVALID' });
  });
});

describe('groupsHold (the MQL condition on a batch-read contact)', () => {
  it('ORs groups of ANDed filters with search semantics', () => {
    const groups = [{ filters: [{ propertyName: 'lifecyclestage', operator: 'EQ' as const, value: 'marketingqualifiedlead' }] }, { filters: [{ propertyName: 'score', operator: 'GTE' as const, value: '50' }, { propertyName: 'country', operator: 'HAS_PROPERTY' as const }] }];
    expect(groupsHold(groups, { lifecyclestage: 'marketingqualifiedlead' })).toBe(true);
    expect(groupsHold(groups, { lifecyclestage: 'lead', score: '70', country: 'de' })).toBe(true);
    expect(groupsHold(groups, { lifecyclestage: 'lead', score: '70', country: '' })).toBe(false);
    expect(groupsHold(groups, { lifecyclestage: 'lead', score: '7', country: 'de' })).toBe(false);
  });
});
