// SOQL the connector builds. Pure: the clock and the cursor come in as arguments.
//
// Incremental pulls that lose nothing: `SystemModstamp >= from − overlap AND SystemModstamp < to ORDER BY
// SystemModstamp, Id`, with `to` a little before now (settle) so rows still being committed are read next time,
// and the overlap re-reading late commits. A strict `>` on the last stamp would lose ties: stamps have second
// precision and bulk updates share one. https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_dateformats.htm
import type { Cursor } from '../../domain/ports.ts';

/** Lead system fields the sync itself needs, whatever the mapping selects. */
export const leadSystemFields = ['Id', 'SystemModstamp', 'IsDeleted', 'MasterRecordId', 'IsConverted', 'ConvertedOpportunityId'] as const;
export const partnerSystemFields = ['Id', 'SystemModstamp'] as const;

/** SOQL datetime literal: unquoted, UTC, second precision (`2024-05-20T20:49:32Z`). */
export function soqlDateTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Floor to the second: Salesforce stamps have no milliseconds. */
export function floorToSecond(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}

/**
 * Salesforce datetime (`2024-05-20T20:49:32.000+0000`) → the canonical stamp leadrelay stores
 * (`2024-05-20T20:49:32Z`), so cursors and `Lead.crmStamp` compare as strings and parse everywhere.
 */
export function normalizeStamp(s: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|([+-])(\d{2}):?(\d{2}))$/.exec(s);
  if (!m) throw new Error('not a Salesforce datetime');
  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  const offsetMin = m[7] === 'Z' ? 0 : (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10]));
  return soqlDateTime(new Date(utc - offsetMin * 60_000));
}

/** A quoted SOQL string literal. https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_quotedstringescapes.htm */
export function soqlString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Field list without duplicates (SOQL rejects a field selected twice; names are case-insensitive). */
export function selectList(...groups: ReadonlyArray<readonly string[]>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const f of groups.flat()) {
    const k = f.toLowerCase();
    if (!seen.has(k)) {
      seen.add(k);
      out.push(f);
    }
  }
  return out;
}

export interface Window {
  /** Upper bound (exclusive): now − settle, floored to the second. Never past the start of the run. */
  readonly to: Date;
  readonly from: Cursor | null;
  readonly overlapSeconds: number;
}

/**
 * The `SystemModstamp` window. With an overlap the window re-reads `overlap` seconds before the cursor (late
 * commits; the caller dedupes by Id + content hash). Without one, a mid-run cursor resumes exactly after the last
 * row read: `(stamp > S OR (stamp = S AND Id > lastId))`, the keyset that matches `ORDER BY SystemModstamp, Id`.
 */
export function windowCondition(w: Window): string {
  const upper = `SystemModstamp < ${soqlDateTime(w.to)}`;
  if (w.from === null) return upper;
  const stamp = new Date(w.from.stamp);
  if (Number.isNaN(stamp.getTime())) throw new Error('cursor stamp is not a datetime');
  if (w.overlapSeconds > 0) {
    return `SystemModstamp >= ${soqlDateTime(new Date(stamp.getTime() - w.overlapSeconds * 1000))} AND ${upper}`;
  }
  const s = soqlDateTime(stamp);
  const lower = w.from.lastId === null ? `SystemModstamp >= ${s}` : `(SystemModstamp > ${s} OR (SystemModstamp = ${s} AND Id > ${soqlString(w.from.lastId)}))`;
  return `${lower} AND ${upper}`;
}

export function leadPullSoql(opts: { fields: readonly string[]; mql: string; track: string | null; window: Window }): string {
  const select = selectList(leadSystemFields, opts.fields).join(', ');
  // Tracked leads stay in the pull after they stop being MQL (our own write-backs, conversion); deleted and merged
  // rows are only visible through queryAll, and must be seen to withdraw offers.
  const scope = [`(${opts.mql})`, ...(opts.track ? [`(${opts.track})`] : []), 'IsDeleted = true'].join(' OR ');
  return `SELECT ${select} FROM Lead WHERE ${windowCondition(opts.window)} AND (${scope}) ORDER BY SystemModstamp, Id`;
}

/**
 * Partners are read in full each time (hundreds to a few thousand rows: one or two calls). An incremental window
 * would miss an Account that stopped matching `where`, and the existing contacts of one that just started to (SOQL
 * semi-joins cannot be OR-ed with a window). https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_comparisonoperators.htm
 */
export function partnerPullSoql(opts: { object: string; fields: readonly string[]; where: string | null }): string {
  const select = selectList(partnerSystemFields, opts.fields).join(', ');
  return `SELECT ${select} FROM ${opts.object}${opts.where ? ` WHERE ${opts.where}` : ''} ORDER BY Id`;
}

/** Partner users: contacts matching `where` whose account is a partner (semi-join, one page set). */
export function partnerUserPullSoql(opts: {
  object: string; fields: readonly string[]; where: string | null; accountField: string; partnerObject: string; partnerWhere: string | null;
}): string {
  const select = selectList(partnerSystemFields, opts.fields).join(', ');
  const partners = `${opts.accountField} IN (SELECT Id FROM ${opts.partnerObject}${opts.partnerWhere ? ` WHERE ${opts.partnerWhere}` : ''})`;
  return `SELECT ${select} FROM ${opts.object} WHERE ${partners}${opts.where ? ` AND (${opts.where})` : ''} ORDER BY Id`;
}

/** Conversion state of specific leads (convert mode), ≤ 200 ids per query to stay far below the SOQL length limit. */
export function leadConversionSoql(ids: readonly string[]): string {
  return `SELECT Id, IsConverted, ConvertedOpportunityId FROM Lead WHERE Id IN (${ids.map(soqlString).join(', ')})`;
}
