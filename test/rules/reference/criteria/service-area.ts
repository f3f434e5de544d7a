// FROZEN REFERENCE (test oracle): the matching engine as it was before the throughput work, kept verbatim so
// test/rules/equivalence.test.ts can check that the optimised engine in src/rules returns identical results. Do not
// optimise or "fix" this copy; when matching semantics change on purpose, change both and say so in the commit.
// Service area and widening. A partner's area is the union of its territory (countries, narrowed within them by
// postcode prefixes or regions when given) and a radius around its location. Widening relaxes the area in the
// configured order (radius → region → country); `stage` returns the first stage at which a partner is in area
// (0 = as declared, i = after widening step i, Infinity = never), so one pass serves every widening step.
import type { WideningStep } from '../../../../src/rules/config-schema.ts';
import type { LeadView, Pair, PartnerView } from './views.ts';

export type EmptyArea = 'ownCountry' | 'nowhere' | 'everywhere';

export interface AreaCheck {
  /** Human labels of the widening steps, e.g. "radius 100 km"; index i-1 is stage i. */
  readonly stepLabels: readonly string[];
  stage(p: PartnerView, lead: LeadView, pair: Pair): number;
  describe(p: PartnerView, lead: LeadView): string;
}

function countryOk(p: PartnerView, lead: LeadView): boolean {
  // A partner declaring regions or prefixes without any country is bound to those only.
  return p.territory.size === 0 ? p.declaresTerritory : lead.country !== null && p.territory.has(lead.country);
}

export function inDeclaredArea(p: PartnerView, lead: LeadView, pair: Pair, emptyArea: EmptyArea): boolean {
  if (p.radiusKm !== null) {
    const dist = pair.dist;
    if (dist !== null && dist <= p.radiusKm) return true;
  }
  if (!p.declaresTerritory) {
    if (p.radiusKm !== null) return false;
    return emptyArea === 'everywhere' || (emptyArea === 'ownCountry' && p.country !== null && p.country === lead.country);
  }
  if (!countryOk(p, lead)) return false;
  if (p.prefixes.length === 0 && p.regions.size === 0) return true;
  const postal = lead.postal;
  return (postal !== null && p.prefixes.some((x) => postal.startsWith(x))) || (lead.region !== null && p.regions.has(lead.region));
}

type StepTest = (p: PartnerView, lead: LeadView, pair: Pair) => boolean;

function stepTest(step: WideningStep): { label: string; test: StepTest } {
  switch (step.type) {
    case 'radius':
      return { label: `radius ${step.km} km`, test: (_p, _l, pair) => pair.dist !== null && pair.dist <= step.km };
    case 'region': {
      const len = step.postalPrefixLength;
      return {
        label: `region (or postal zone of ${len} character${len === 1 ? '' : 's'})`,
        test: (p, lead) => {
          if (!(countryOk(p, lead) || (p.country !== null && p.country === lead.country))) return false;
          if (lead.region !== null && p.regions.has(lead.region)) return true;
          if (lead.postal === null || lead.postal.length < len) return false;
          const zone = lead.postal.slice(0, len);
          return p.prefixes.some((x) => x.startsWith(zone) || zone.startsWith(x)) || (p.postal !== null && p.country === lead.country && p.postal.startsWith(zone));
        },
      };
    }
    case 'country':
      return { label: 'country', test: (p, lead) => lead.country !== null && (p.territory.has(lead.country) || p.country === lead.country) };
  }
}

export function compileArea(emptyArea: EmptyArea, steps: readonly WideningStep[]): AreaCheck {
  const tests = steps.map(stepTest);
  const areaTexts = new WeakMap<PartnerView, string>();
  return {
    stepLabels: tests.map((t) => t.label),
    stage(p, lead, pair) {
      if (inDeclaredArea(p, lead, pair, emptyArea)) return 0;
      for (let i = 0; i < tests.length; i++) if (tests[i]!.test(p, lead, pair)) return i + 1;
      return Infinity;
    },
    describe(p, lead) {
      // Partner texts are built once per prepared matcher: exclusions are the most frequent explanation.
      let text = areaTexts.get(p);
      if (text === undefined) {
        text = `outside the service area (${describePartnerArea(p, emptyArea)}); lead in `;
        areaTexts.set(p, text);
      }
      return text + lead.placeText;
    },
  };
}

function list(xs: Iterable<string>, max = 4): string {
  const a = [...xs];
  return a.length <= max ? a.join(', ') : `${a.slice(0, max).join(', ')} +${a.length - max}`;
}

export function describePartnerArea(p: PartnerView, emptyArea: EmptyArea): string {
  const parts: string[] = [];
  if (p.declaresTerritory) {
    parts.push(p.territory.size > 0 ? list(p.territory) : 'any country');
    if (p.prefixes.length > 0) parts.push(`postcodes ${list(p.prefixes)}`);
    if (p.regions.size > 0) parts.push(`regions ${list(p.regions)}`);
  } else if (p.radiusKm === null) {
    parts.push(emptyArea === 'everywhere' ? 'no area declared: everywhere' : emptyArea === 'ownCountry' && p.country !== null ? `no area declared: own country ${p.country}` : 'no area declared');
  }
  if (p.radiusKm !== null) parts.push(p.loc === null ? `radius ${p.radiusKm} km, but the partner is not located` : `radius ${p.radiusKm} km`);
  return `serves ${parts.join('; ')}`;
}
