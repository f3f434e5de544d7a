import { describe, expect, it } from 'vitest';
import { qualify } from '../../src/rules/qualify.ts';
import { NOW, lead, qualification } from './fixtures.ts';

const rules = [
  { name: 'demo-request', when: { field: 'source', in: ['Demo Request', 'Contact Sales'] }, temperature: 'hot' },
  { name: 'trade-show', when: { field: 'source', contains: 'trade show' }, temperature: 'warm' },
  { name: 'whitepaper', when: { field: 'source', contains: 'whitepaper' }, temperature: 'cold' },
];
const daysAgo = (d: number): Date => new Date(NOW.getTime() - d * 86_400_000);
const temp = (over: Parameters<typeof lead>[0], t: Record<string, unknown> = {}, age = 0) => {
  const d = qualify(lead(over), qualification({ temperature: { rules, ...t } }), NOW, daysAgo(age));
  return { temperature: d.temperature, reason: d.reasons.at(-1)! };
};

describe('temperature', () => {
  it('derives it from rules, first match wins', () => {
    expect(temp({ source: 'Demo Request' }).temperature).toBe('hot');
    expect(temp({ source: 'Trade Show Munich' }).temperature).toBe('warm');
    expect(temp({ source: 'Whitepaper download' })).toEqual({ temperature: 'cold', reason: { rule: 'temperature:whitepaper', message: 'Cold: by rule whitepaper; source: Whitepaper download.' } });
  });

  it('uses the CRM hint as fallback by default, ignores it, or prefers it', () => {
    expect(temp({ source: 'Webinar', temperature: 'hot' })).toEqual({ temperature: 'hot', reason: { rule: 'temperature:crm-hint', message: 'Hot: as the CRM says (no rule matched); source: Webinar.' } });
    expect(temp({ source: 'Whitepaper', temperature: 'hot' }).temperature).toBe('cold');
    expect(temp({ source: 'Webinar', temperature: 'hot' }, { crmHint: 'ignore' }).temperature).toBe('warm');
    expect(temp({ source: 'Whitepaper', temperature: 'hot' }, { crmHint: 'prefer' }).temperature).toBe('hot');
  });

  it('falls back to the default', () => {
    expect(temp({ source: null }, { default: 'cold' })).toEqual({ temperature: 'cold', reason: { rule: 'temperature:default', message: 'Cold: the default (no rule matched); source: (none).' } });
  });

  it('caps old leads honestly (strictest applicable cap)', () => {
    const ageing = [{ afterDays: 14, atMost: 'warm' }, { afterDays: 60, atMost: 'cold' }];
    expect(temp({ source: 'Demo Request' }, { ageing }, 13).temperature).toBe('hot');
    expect(temp({ source: 'Demo Request' }, { ageing }, 20)).toEqual({
      temperature: 'warm',
      reason: { rule: 'temperature:demo-request', message: 'Warm: by rule demo-request, capped from hot to warm: 20 days old (ageing after 14 days); source: Demo Request.' },
    });
    expect(temp({ source: 'Demo Request' }, { ageing }, 61).temperature).toBe('cold');
    expect(temp({ source: 'Whitepaper' }, { ageing }, 61).reason.message).not.toContain('capped');
  });
});
