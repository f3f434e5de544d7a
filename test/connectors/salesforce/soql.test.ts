// The SOQL the connector builds, and the per-record outcome classification. Pure, no I/O.
import { describe, expect, it } from 'vitest';
import { recordOutcome } from '../../../src/connectors/salesforce/outcomes.ts';
import { leadPullSoql, normalizeStamp, partnerUserPullSoql, selectList, soqlString, windowCondition } from '../../../src/connectors/salesforce/soql.ts';
import { repoMappings } from './env.ts';

const to = new Date('2025-05-20T12:00:00.900Z');

describe('pull SOQL', () => {
  it('a full load: no lower bound, upper bound unquoted to the second, MQL or tracked or deleted, stable order', () => {
    const soql = leadPullSoql({ fields: ['Email', 'Id', 'company'], mql: "Status = 'MQL'", track: 'X__c != null', window: { to, from: null, overlapSeconds: 300 } });
    expect(soql).toBe("SELECT Id, SystemModstamp, IsDeleted, MasterRecordId, IsConverted, ConvertedOpportunityId, Email, company FROM Lead " +
      "WHERE SystemModstamp < 2025-05-20T12:00:00Z AND ((Status = 'MQL') OR (X__c != null) OR IsDeleted = true) ORDER BY SystemModstamp, Id");
  });

  it('re-reads the overlap before the cursor, or resumes exactly after (stamp, id) without one', () => {
    const from = { stamp: '2025-05-20T11:00:00Z', lastId: '00Q5g00000KfiZnEAJ' };
    expect(windowCondition({ to, from, overlapSeconds: 300 })).toBe('SystemModstamp >= 2025-05-20T10:55:00Z AND SystemModstamp < 2025-05-20T12:00:00Z');
    expect(windowCondition({ to, from, overlapSeconds: 0 })).toBe(
      "(SystemModstamp > 2025-05-20T11:00:00Z OR (SystemModstamp = 2025-05-20T11:00:00Z AND Id > '00Q5g00000KfiZnEAJ')) AND SystemModstamp < 2025-05-20T12:00:00Z");
    expect(windowCondition({ to, from: { ...from, lastId: null }, overlapSeconds: 0 })).toBe('SystemModstamp >= 2025-05-20T11:00:00Z AND SystemModstamp < 2025-05-20T12:00:00Z');
  });

  it('partner users by semi-join on partner accounts', () => {
    expect(partnerUserPullSoql({ object: 'Contact', fields: ['AccountId', 'Email'], where: 'U__c = true', accountField: 'AccountId', partnerObject: 'Account', partnerWhere: "Type = 'Partner'" }))
      .toBe("SELECT Id, SystemModstamp, AccountId, Email FROM Contact WHERE AccountId IN (SELECT Id FROM Account WHERE Type = 'Partner') AND (U__c = true) ORDER BY Id");
  });

  it('normalises Salesforce datetimes and escapes literals', () => {
    expect(normalizeStamp('2024-05-20T20:49:32.000+0000')).toBe('2024-05-20T20:49:32Z');
    expect(normalizeStamp('2024-05-20T22:49:32.000+0200')).toBe('2024-05-20T20:49:32Z');
    expect(soqlString("O'Brien \\ Co")).toBe("'O\\'Brien \\\\ Co'");
    expect(selectList(['Id', 'Name'], ['name', 'Email'])).toEqual(['Id', 'Name', 'Email']);
  });
});

describe('per-record outcomes', () => {
  const m = repoMappings().lead;
  const err = (statusCode: string, message: string, fields: string[] = []) => [{ code: statusCode, message, fields }];

  it('lock and transient errors retry; converted, deleted and missing records are gone', () => {
    expect(recordOutcome(m, err('UNABLE_TO_LOCK_ROW', 'unable to obtain exclusive access'))).toMatchObject({ status: 'retry', code: 'UNABLE_TO_LOCK_ROW' });
    expect(recordOutcome(m, err('CANNOT_UPDATE_CONVERTED_LEAD', 'cannot reference converted lead'), '006x')).toMatchObject({ status: 'gone', convertedOpportunityId: '006x' });
    expect(recordOutcome(m, err('ENTITY_IS_DELETED', 'entity is deleted'))).toMatchObject({ status: 'gone' });
    expect(recordOutcome(m, err('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id'))).toMatchObject({ status: 'gone' });
  });

  it('validation errors fail with the code, a scrubbed message and the mapping line of the field', () => {
    const o = recordOutcome(m, err('STRING_TOO_LONG', 'Partner Name: data value too large: Jane Doe Solar (max length=10)', ['LeadRelay_Partner_Name__c']));
    expect(o).toMatchObject({ status: 'failed', reason: { code: 'STRING_TOO_LONG', message: 'Partner Name: data value too large: [value] (max length=10)', fields: ['LeadRelay_Partner_Name__c'] } });
    expect(o.status === 'failed' ? o.reason.source : '').toMatch(/lead\.yaml:\d+$/);
    // A lookup pointing nowhere names its field: that is our value, not a missing record.
    expect(recordOutcome(m, err('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', ['LeadRelay_Partner__c']))).toMatchObject({ status: 'failed' });
    // No fields[]: the mapped field named in the message still finds its line; the status map has one too.
    const v = recordOutcome(m, err('FIELD_CUSTOM_VALIDATION_EXCEPTION', 'Status cannot go back once Sales Accepted'));
    expect(v.status === 'failed' ? v.reason.source : '').toMatch(/lead\.yaml:\d+$/);
  });
});
