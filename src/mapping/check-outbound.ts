// Cross checks for what leadrelay writes: outbound keys exist on the write-back, value maps only translate known
// canonical values, no CRM field is written twice or both read and written (leadrelay would pull its own write
// as a change, for ever), opportunity stage and upsert-key rules, and the SOQL conditions.
import { didYouMean, listOf } from '../config/suggest.ts';
import { leadStatuses } from '../domain/lead.ts';
import { opportunityStages } from '../domain/write-back.ts';
import { report } from './check-context.ts';
import type { FileContext, LenientFile } from './check-context.ts';
import { dialects } from './dialects.ts';
import { outboundKeys } from './targets.ts';
import type { Entity } from './targets.ts';

const partnerKey = /^[A-Za-z][A-Za-z0-9_]*$/;

export function checkOutbound(ctx: FileContext, entity: Entity, file: LenientFile): void {
  const keys = outboundKeys(entity);
  const written = new Map<string, { path: readonly PropertyKey[]; key: string }>();
  const writes = (to: string, path: readonly PropertyKey[], key: string): void => {
    const first = written.get(to.toLowerCase());
    if (first !== undefined) report(ctx, path, `${to} is already written by ${first.key}`, 'write each CRM field from one canonical key only');
    else written.set(to.toLowerCase(), { path, key });
  };
  let externalIds = 0;
  for (const [key, rule] of file.outbound) {
    const at = ['outbound', 'fields', key];
    const info = keys.get(key);
    if (entity === 'partner') {
      if (!partnerKey.test(key)) report(ctx, at, `'${key}' is not a valid key name`, 'use letters, digits and _', true);
    } else if (info === undefined) {
      report(ctx, at, `unknown write-back key '${key}'${didYouMean(key, [...keys.keys()])}`, `keys: ${listOf([...keys.keys()], 20)}`, true);
      continue;
    }
    writes(rule.to, [...at, 'to'], key);
    if (rule.externalId === true) {
      externalIds++;
      if (entity !== 'opportunity') report(ctx, [...at, 'externalId'], 'externalId is only used on opportunity mappings', 'remove it');
    }
    if (rule.values === undefined) continue;
    if (entity === 'opportunity' && key === 'stage') {
      report(ctx, [...at, 'values'], 'stage values come from `stages`', 'move the values to the top-level `stages:` map');
    } else if (info?.values === undefined) {
      report(ctx, [...at, 'values'], `${key} has no fixed set of values to translate`, 'remove `values`');
    } else {
      checkValueKeys(ctx, [...at, 'values'], rule.values, info.values, key);
    }
  }
  if (file.status !== null) {
    writes(file.status.to, ['outbound', 'status', 'to'], 'status');
    checkValueKeys(ctx, ['outbound', 'status', 'values'], file.status.values, leadStatuses, 'status');
  }
  // Reading a field we also write makes every write-back look like a CRM change on the next pull.
  for (const [target, rule] of file.fields) {
    const path = written.get(rule.from.toLowerCase())?.path;
    if (path !== undefined) report(ctx, path, `${rule.from} is also read into '${target}': leadrelay would pull its own write back as a change`, 'write to a separate CRM field, or stop reading this one', false);
  }
  if (entity === 'opportunity') checkOpportunity(ctx, file, externalIds);
  // The condition language, associated-record paths and CRM-only keys differ per CRM (dialects.ts).
  const froms = file.fields.map(([target, rule]) => [target, rule.from] as const);
  for (const p of dialects[ctx.crm].check({ entity, object: file.object, conditions: file.conditions, froms, mode: file.mode, pipeline: file.pipeline })) {
    report(ctx, p.path, p.message, p.hint, p.key === true);
  }
}

function checkValueKeys(ctx: FileContext, at: readonly PropertyKey[], values: Readonly<Record<string, string>>, allowed: readonly string[], key: string): void {
  for (const canonical of Object.keys(values)) {
    if (!allowed.includes(canonical)) report(ctx, [...at, canonical], `'${canonical}' is not a canonical ${key} value${didYouMean(canonical, allowed)}`, `use: ${allowed.join(', ')}`, true);
  }
}

function checkOpportunity(ctx: FileContext, file: LenientFile, externalIds: number): void {
  if (file.stages !== null) {
    for (const stage of Object.keys(file.stages)) {
      if (!(opportunityStages as readonly string[]).includes(stage)) report(ctx, ['stages', stage], `'${stage}' is not an opportunity stage${didYouMean(stage, opportunityStages)}`, `use: ${opportunityStages.join(', ')}`, true);
    }
    if (Object.keys(file.stages).length === 0) report(ctx, ['stages'], 'no stage makes an opportunity', 'map at least won and lost', true);
  }
  if (!file.outbound.some(([k]) => k === 'stage')) report(ctx, ['outbound', 'fields'], "the opportunity stage is not written ('stage' missing)", 'add `stage: { to: StageName }`', true);
  const mode = file.mode ?? 'create';
  if (mode === 'create' && externalIds !== 1) {
    report(ctx, ['outbound', 'fields'], externalIds === 0 ? 'mode create needs one field with externalId: true to upsert by' : 'only one field may be the external id', 'mark the leadId field: `leadId: { to: LeadRelay_Lead_Id__c, externalId: true }`', true);
  }
  if (mode === 'convert' && file.convertedStatus === null) report(ctx, ['mode'], 'mode convert needs convertedStatus', 'add `convertedStatus: <the converted Lead Status value>`');
}
