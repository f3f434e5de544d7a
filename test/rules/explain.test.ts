import { describe, expect, it } from 'vitest';
import { renderMatch, renderReasons } from '../../src/rules/explain.ts';
import { match } from '../../src/rules/match.ts';
import { qualify } from '../../src/rules/qualify.ts';
import { NOW, lead, matching, partner, qualification } from './fixtures.ts';

describe('explain', () => {
  it('renders candidates, contributions, widening and exclusions as a table', () => {
    const ps = [
      partner('munich', { postalCode: '80331', level: 'platinum' }),
      partner('freising', { postalCode: '85354', level: 'silver', products: ['heatpump', 'solar'] }),
      partner('boilers', { products: ['boiler'] }),
    ];
    const cfg = matching({ scores: [{ type: 'products', weight: 2 }, { type: 'distance', weight: 1 }] });
    const text = renderMatch(match({ lead: lead(), leadTemperature: 'hot', partners: ps, stats: new Map(), declined: new Set(), alreadyOffered: new Set(), cfg, now: NOW }), { notesFor: 1 });
    expect(text).toBe([
      'Candidates: 2 passed every filter; 2 shown, best first.',
      '#  partner   level     score  products  distance',
      '1  munich    platinum  100.0      66.7      33.3',
      '2  freising  silver     94.3      66.7      27.6',
      '(criterion columns: points = weight × value / sum of weights × 100)',
      '',
      'munich:',
      '  products  2 ×  1.00  =  66.7  sells 1 of 1 wanted products',
      '  distance  1 ×  1.00  =  33.3  0 km (0 at 300 km)',
      '',
      'Widened: radius 100 km → 2 candidates; region (or postal zone of 1 character) → 2 candidates; country → 2 candidates.',
      '',
      "Excluded: 1 partner; 0 outside the lead's area.",
      '  products  boilers  sells none of heatpump',
    ].join('\n'));
  });

  it('renders qualification reasons', () => {
    const d = qualify(lead({ email: 'a@mailinator.com', company: null }), qualification(), NOW, NOW);
    expect(renderReasons(d.reasons)).toBe([
      'rejected             disposable-email     Disposable or example email address.',
      'needs_qualification  required             Missing: company.',
      '                     temperature:default  Warm: the default (no rule matched); source: Demo Request.',
    ].join('\n'));
  });
});
