// The opportunity plan (glossary): how the holding partner and the channel manager intend to win a reserved
// lead. Validated with zod at the boundary (CLI file, later the web API), stored with the lead, and rendered as a
// readable plain-text note for the CRM opportunity's description.
import { z } from 'zod';

const text = (max: number) => z.string().trim().min(1).max(max);
const optText = (max: number) => z.string().trim().max(max).nullable().default(null);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date like 2026-12-31' });

export const urgencies = ['low', 'medium', 'high', 'critical'] as const;
export const decisionRoles = ['decision_maker', 'economic_buyer', 'technical_buyer', 'influencer', 'user', 'gatekeeper', 'champion'] as const;
export const attitudes = ['supporter', 'neutral', 'sceptic', 'opponent', 'unknown'] as const;

const teamMember = z.strictObject({
  name: text(120),
  /** internal = the manufacturer's people; partner = the holding partner's. */
  side: z.enum(['internal', 'partner']),
  role: text(120),
  email: z.email().nullable().default(null),
});

const customer = z.strictObject({
  industry: optText(120),
  size: optText(120),
  locations: optText(500),
  currentSituation: optText(2000),
  notes: optText(2000),
}).prefault({});

const opportunity = z.strictObject({
  description: optText(4000),
  budget: z.number().finite().nonnegative().nullable().default(null),
  problem: optText(2000),
  urgency: z.enum(urgencies).nullable().default(null),
  timeline: optText(1000),
  consequencesOfWaiting: optText(2000),
}).prefault({});

const milestone = z.strictObject({
  name: text(200),
  date: isoDate,
  done: z.boolean().default(false),
});

const keyPerson = z.strictObject({
  name: text(120),
  title: optText(120),
  roleInDecision: z.enum(decisionRoles),
  attitude: z.enum(attitudes).default('unknown'),
  values: optText(1000),
});

const competitor = z.strictObject({
  name: text(120),
  strengths: optText(1000),
  weaknesses: optText(1000),
  strategy: optText(1000),
});

export const opportunityPlanSchema = z.strictObject({
  accountTeam: z.array(teamMember).max(50).default([]),
  customer,
  opportunity,
  milestones: z.array(milestone).max(100).default([]),
  keyPersons: z.array(keyPerson).max(50).default([]),
  competitors: z.array(competitor).max(30).default([]),
});
export type OpportunityPlan = z.infer<typeof opportunityPlanSchema>;

export interface StoredPlan {
  readonly leadId: string;
  readonly plan: OpportunityPlan;
  readonly version: number;
  readonly updatedAt: Date;
  /** 'partner:<id>' or a user id. */
  readonly updatedBy: string;
}

/** Salesforce Opportunity.Description holds 32,000 characters. */
export const PLAN_NOTE_MAX = 32_000;

const line = (label: string, v: string | number | null): string[] => (v === null || v === '' ? [] : [`${label}: ${v}`]);
const human = (s: string): string => s.replace(/_/g, ' ');

/** The plan as a plain-text note, sections in a fixed order, empty ones left out. */
export function renderPlan(plan: OpportunityPlan): string {
  const out: string[] = ['OPPORTUNITY PLAN (leadrelay)'];
  const section = (title: string, body: string[]): void => {
    if (body.length > 0) out.push('', title.toUpperCase(), ...body);
  };
  const o = plan.opportunity;
  section('Opportunity', [
    ...line('Description', o.description), ...line('Budget', o.budget), ...line('Problem', o.problem),
    ...line('Urgency', o.urgency), ...line('Timeline', o.timeline), ...line('Consequences of waiting', o.consequencesOfWaiting),
  ]);
  const c = plan.customer;
  section('Customer', [
    ...line('Industry', c.industry), ...line('Size', c.size), ...line('Locations', c.locations),
    ...line('Current situation', c.currentSituation), ...line('Notes', c.notes),
  ]);
  section('Account team', plan.accountTeam.map((m) => `- ${m.name} (${m.side}), ${m.role}${m.email === null ? '' : `, ${m.email}`}`));
  section('Milestones', [...plan.milestones].sort((a, b) => a.date.localeCompare(b.date))
    .map((m) => `- ${m.date} ${m.name}${m.done ? ' [done]' : ''}`));
  section('Key persons', plan.keyPersons.map((p) =>
    `- ${p.name}${p.title === null ? '' : `, ${p.title}`}: ${human(p.roleInDecision)}, ${p.attitude}${p.values === null ? '' : `; values ${p.values}`}`));
  section('Competitors', plan.competitors.map((k) => [
    `- ${k.name}`, ...(k.strengths === null ? [] : [`  strengths: ${k.strengths}`]),
    ...(k.weaknesses === null ? [] : [`  weaknesses: ${k.weaknesses}`]), ...(k.strategy === null ? [] : [`  our strategy: ${k.strategy}`]),
  ].join('\n')));
  const note = out.join('\n');
  return note.length <= PLAN_NOTE_MAX ? note : `${note.slice(0, PLAN_NOTE_MAX - 1)}…`;
}
