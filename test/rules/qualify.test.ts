import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LeadData } from '../../src/domain/lead.ts';
import { leadFields } from '../../src/domain/lead.ts';
import { qualify } from '../../src/rules/qualify.ts';
import { EPOCH, NOW, lead, qualification } from './fixtures.ts';

const cfg = qualification({
  thresholds: [{ field: 'budget', min: 5000, outcome: 'rejected', message: 'Below the deal size we route.' }, { field: 'score', min: 40 }],
  criteria: [
    { name: 'disposable-email', when: { field: 'email', matches: '@(mailinator|trashmail)\\.' }, outcome: 'rejected', message: 'Disposable email.' },
    { name: 'student', when: { field: 'title', matches: '\\b(student|studentin)\\b' }, outcome: 'rejected', message: 'Student.' },
    { name: 'competitor', when: { field: 'emailDomain', in: ['rival.com'] }, outcome: 'rejected', message: 'Competitor.' },
    { name: 'no-timeframe', when: { field: 'timeframe', exists: false }, outcome: 'needs_qualification', message: 'Ask for the timeframe.' },
    { name: 'key-account', when: { field: 'employees', gte: 1000 }, outcome: 'qualified', message: 'Key account size.' },
  ],
  temperature: { rules: [{ name: 'demo', when: { field: 'source', equals: 'Demo Request' }, temperature: 'hot' }] },
});

describe('qualify', () => {
  it('qualifies a complete lead with a reason', () => {
    const d = qualify(lead({ timeframe: 'Q2', budget: 10000, score: 50 }), cfg, NOW, NOW);
    expect(d.outcome).toBe('qualified');
    expect(d.missing).toEqual([]);
    expect(d.reasons[0]).toEqual({ rule: 'all-criteria', outcome: 'qualified', message: 'All criteria passed.' });
    expect(d.temperature).toBe('hot');
    expect(d.reasons[1]).toEqual({ rule: 'temperature:demo', message: 'Hot: by rule demo; source: Demo Request.' });
  });

  it('lists what is missing, with oneOf groups', () => {
    const d = qualify(lead({ company: ' ', email: null, phone: '', productInterest: [], timeframe: 'now' }), cfg, NOW, NOW);
    expect(d.outcome).toBe('needs_qualification');
    expect(d.missing).toEqual(['company', 'productInterest', 'email|phone']);
    expect(d.reasons[0]).toEqual({ rule: 'required', outcome: 'needs_qualification', fields: ['company', 'productInterest', 'email|phone'], message: 'Missing: company, productInterest, email or phone.' });
  });

  it('checks every criterion; the most severe outcome wins and comes first', () => {
    const d = qualify(lead({ email: 'x@mailinator.com', title: 'Student', budget: 100 }), cfg, NOW, NOW);
    expect(d.outcome).toBe('rejected');
    expect(d.reasons.map((r) => r.rule)).toEqual(['threshold:budget', 'disposable-email', 'student', 'no-timeframe', 'temperature:demo']);
    expect(d.reasons[0]!.message).toBe('Below the deal size we route.');
  });

  it('applies thresholds with generated messages, skipping missing values by default', () => {
    const d = qualify(lead({ timeframe: 'Q3', score: 12 }), cfg, NOW, NOW);
    expect(d.outcome).toBe('needs_qualification');
    expect(d.reasons[0]).toEqual({ rule: 'threshold:score', outcome: 'needs_qualification', fields: ['score'], message: 'score is 12; needs at least 40.' });
    const strict = qualification({ thresholds: [{ field: 'budget', min: 1, ifMissing: 'fail' }] });
    expect(qualify(lead(), strict, NOW, NOW).reasons[0]!.message).toBe('budget is missing; needs at least 1.');
  });

  it('keeps "qualified" criterion reasons instead of the generic one', () => {
    const d = qualify(lead({ timeframe: 'Q2', employees: 5000 }), cfg, NOW, NOW);
    expect(d.outcome).toBe('qualified');
    expect(d.reasons[0]).toEqual({ rule: 'key-account', outcome: 'qualified', message: 'Key account size.' });
  });

  it('is the same decision for the same input and clock', () => {
    const l = lead({ email: 'x@trashmail.de' });
    expect(qualify(l, cfg, NOW, EPOCH)).toEqual(qualify(l, cfg, NOW, EPOCH));
  });
});

// Junk: anything shaped into a record, with hostile strings in lead fields.
const hostile = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: fc.constantFrom('\u0000', '\u0007', '\u202e', '\ud83d\ude00', '<script>', '&amp;', '"', '\\') }),
  fc.constant('x'.repeat(200_000)),
  fc.constant(`${'a'.repeat(50_000)}@mailinator.com`),
  fc.constant('<img src=x onerror=alert(1)>'),
);
const junkValue = fc.oneof(fc.anything(), hostile, fc.array(fc.oneof(hostile, fc.anything()), { maxLength: 5 }));
const junkLead = fc.oneof(
  fc.anything(),
  fc.dictionary(fc.constantFrom(...leadFields, 'custom', '__proto__', 'constructor'), junkValue),
  fc.record({ custom: fc.oneof(fc.anything(), fc.dictionary(fc.string(), junkValue)) }, { requiredKeys: [] }),
);

describe('qualify on junk', () => {
  it('never throws and always gives an outcome reason and a temperature', () => {
    const rich = qualification({
      ...cfg,
      criteria: [
        ...cfg.criteria,
        { name: 'lang', when: { any: [{ field: 'custom.language', in: ['de', 'en'] }, { field: 'remarks', contains: 'urgent' }] }, outcome: 'needs_qualification', message: 'x' },
        { name: 'old', when: { field: 'custom.visited', olderThanDays: 30 }, outcome: 'needs_qualification', message: 'y' },
      ],
      temperature: { ...cfg.temperature, ageing: [{ afterDays: 30, atMost: 'warm' }] },
    });
    fc.assert(
      fc.property(junkLead, fc.integer({ min: -1e12, max: 1e13 }), (data, t) => {
        const d = qualify(data as LeadData, rich, NOW, new Date(t));
        expect(['qualified', 'needs_qualification', 'rejected']).toContain(d.outcome);
        expect(['hot', 'warm', 'cold']).toContain(d.temperature);
        expect(d.reasons.filter((r) => r.outcome === d.outcome).length).toBeGreaterThan(0);
        expect(d.reasons.every((r) => typeof r.message === 'string' && r.message.length > 0)).toBe(true);
        expect(JSON.stringify(d).length).toBeLessThan(5_000); // reasons quote no huge junk
      }),
      { numRuns: 1500 },
    );
  });
});
