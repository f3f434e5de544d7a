// Walking a change window of CRM search without losing a record. HubSpot search returns at most 10,000 results per
// query (the page reaching past that is refused), allows one sort, and lags behind writes by seconds. So:
//   - the window is `hs_lastmodifieddate GTE from − overlap AND LT to`, with `to` = now − the index lag, fixed for
//     the run: a record still being indexed, or modified while we read, is read by the next run's overlap;
//   - every page is a fresh query with a keyset floor instead of an `after` offset: offsets shift when a record in
//     the window is modified (it leaves the window) and would skip a record, and they stop at 10,000;
//   - range pages sort by hs_lastmodifieddate and emit only the records before the page's last stamp M; the next
//     query starts at `GTE M`. A page whose records all share one stamp (a bulk update: 25,000 contacts can share
//     a millisecond) switches to a tie walk: `EQ M AND hs_object_id GT floor`, sorted by hs_object_id, then `GT M`;
//   - each emitted batch carries a checkpoint cursor `{ stamp, lastId }`: everything before `stamp` is read, plus
//     the records at `stamp` up to `lastId` (a tie walk). The last batch carries `{ stamp: to, lastId: null }`; the
//     answer's `total` (or one query of lookahead) tells which batch is the last, so no query is spent on an empty
//     page when the count says nothing is left.
// https://developers.hubspot.com/docs/guides/api/crm/search#limitations
import type { Cursor } from '../../domain/ports.ts';
import { VendorError } from '../../lib/vendor-error.ts';
import type { HubSpotFilter, HubSpotFilterGroup } from '../../mapping/hubspot-filter.ts';
import type { HubSpotClient } from './client.ts';
import type { HsRecord } from './schemas.ts';
import { describeIssues, recordSchema, searchPageSchema } from './schemas.ts';
import type { Stage } from './usage.ts';

export const stampProperty = 'hs_lastmodifieddate';

export interface WalkSpec {
  readonly object: string;
  readonly stage: Stage;
  /** The condition's groups (OR); empty = every record. The window filters are added to each. */
  readonly groups: readonly HubSpotFilterGroup[];
  readonly properties: readonly string[];
  /** Where to start; null = the beginning of time. */
  readonly from: { readonly stamp: number; readonly lastId: string | null } | null;
  /** Exclusive upper bound (epoch ms). */
  readonly to: number;
  readonly pageSize: number;
}

export interface Batch {
  readonly records: readonly HsRecord[];
  readonly cursor: Cursor;
}

export const iso = (ms: number): string => new Date(ms).toISOString();

/** A record's change stamp in ms, or NaN. */
export function stampOf(r: HsRecord): number {
  const v = r.properties[stampProperty] ?? r.updatedAt ?? null;
  if (v === null) return Number.NaN;
  return /^\d+$/.test(v) ? Number(v) : Date.parse(v);
}

/** `beyond`: records after the tie stamp, when the counts tell (range total − tie total); null = unknown. */
type Mode =
  | { kind: 'range'; lo: { stamp: number; inclusive: boolean } | null }
  | { kind: 'tie'; stamp: number; floor: string | null; rangeTotal: number | null; beyond: number | null };

function withWindow(groups: readonly HubSpotFilterGroup[], window: readonly HubSpotFilter[]): HubSpotFilterGroup[] {
  const base = groups.length === 0 ? [{ filters: [] }] : groups;
  return base.map((g) => ({ filters: [...g.filters, ...window] }));
}

/** One search call: the records, and `total` (how many match the query, this page included) when HubSpot says. */
export async function searchPage(client: HubSpotClient, stage: Stage, object: string, body: Record<string, unknown>, signal: AbortSignal): Promise<{ records: HsRecord[]; total: number | null }> {
  const raw = await client.call(stage, { method: 'POST', path: `/crm/v3/objects/${object}/search`, body, kind: 'search' }, signal);
  const page = searchPageSchema.safeParse(raw);
  if (!page.success) throw malformed(`/crm/v3/objects/${object}/search`, describeIssues(page.error));
  const records = page.data.results.map((r) => {
    const rec = recordSchema.safeParse(r);
    if (!rec.success) throw malformed(`/crm/v3/objects/${object}/search`, describeIssues(rec.error));
    return rec.data;
  });
  return { records, total: page.data.total ?? null };
}

/** Nothing matches beyond this answer: a short page, or a total no larger than the page. */
const exhausted = (n: number, total: number | null, pageSize: number): boolean => n < pageSize || (total !== null && total <= n);

export function malformed(path: string, detail: string): VendorError {
  return new VendorError({ vendor: 'hubspot', method: 'POST', path, status: 200, code: 'MALFORMED_RESPONSE', message: `${path}: ${detail}`, retryAfterMs: null });
}

/** The change window, page by page (see the header). */
export async function* walkWindow(client: HubSpotClient, spec: WalkSpec, signal: AbortSignal): AsyncGenerator<Batch> {
  const final: Cursor = { stamp: iso(spec.to), lastId: null };
  const properties = [...new Set([stampProperty, ...spec.properties])];
  let mode: Mode = spec.from === null ? { kind: 'range', lo: null }
    : spec.from.lastId !== null ? { kind: 'tie', stamp: spec.from.stamp, floor: spec.from.lastId, rangeTotal: null, beyond: null }
      : { kind: 'range', lo: { stamp: spec.from.stamp, inclusive: true } };
  let pending: Batch | null = null;
  if (spec.from !== null && spec.from.stamp >= spec.to) {
    yield { records: [], cursor: final };
    return;
  }
  for (;;) {
    signal.throwIfAborted();
    if (mode.kind === 'range') {
      const window: HubSpotFilter[] = [
        ...(mode.lo === null ? [] : [{ propertyName: stampProperty, operator: mode.lo.inclusive ? 'GTE' as const : 'GT' as const, value: String(mode.lo.stamp) }]),
        { propertyName: stampProperty, operator: 'LT', value: String(spec.to) },
      ];
      const { records: recs, total } = await searchPage(client, spec.stage, spec.object, {
        filterGroups: withWindow(spec.groups, window), sorts: [{ propertyName: stampProperty, direction: 'ASCENDING' }],
        properties, limit: spec.pageSize,
      }, signal);
      if (exhausted(recs.length, total, spec.pageSize)) {
        // The window is exhausted: this answer closes the run (or, when empty, the batch before it).
        if (recs.length > 0) {
          if (pending !== null) yield pending;
          yield { records: recs, cursor: final };
        } else {
          yield { records: pending?.records ?? [], cursor: final };
        }
        return;
      }
      const first = stampOf(recs[0] as HsRecord);
      const last = stampOf(recs[recs.length - 1] as HsRecord);
      if (Number.isNaN(first) || Number.isNaN(last)) throw malformed(`/crm/v3/objects/${spec.object}/search`, `${stampProperty} missing`);
      if (first === last) {
        // A full page of one stamp: the ties may exceed any page; walk them by id.
        mode = { kind: 'tie', stamp: last, floor: null, rangeTotal: total, beyond: null };
        continue;
      }
      const before = recs.filter((r) => stampOf(r) < last);
      if (pending !== null) yield pending;
      pending = { records: before, cursor: { stamp: iso(last), lastId: null } };
      mode = { kind: 'range', lo: { stamp: last, inclusive: true } };
    } else {
      const window: HubSpotFilter[] = [
        { propertyName: stampProperty, operator: 'EQ', value: String(mode.stamp) },
        ...(mode.floor === null ? [] : [{ propertyName: 'hs_object_id', operator: 'GT' as const, value: mode.floor }]),
      ];
      const { records: recs, total } = await searchPage(client, spec.stage, spec.object, {
        filterGroups: withWindow(spec.groups, window), sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
        properties, limit: spec.pageSize,
      }, signal);
      // The first tie query counts the whole tie: with the range's count, what lies beyond the tie is known.
      const beyond = mode.floor === null && mode.rangeTotal !== null && total !== null ? mode.rangeTotal - total : mode.beyond;
      const lastId = recs.at(-1)?.id ?? null;
      const done = exhausted(recs.length, total, spec.pageSize) || lastId === null;
      if (done && beyond === 0) {
        // The tie was the rest of the window: this answer closes the run.
        if (recs.length > 0) {
          if (pending !== null) yield pending;
          yield { records: recs, cursor: final };
        } else {
          yield { records: pending?.records ?? [], cursor: final };
        }
        return;
      }
      if (recs.length > 0 && lastId !== null) {
        if (pending !== null) yield pending;
        pending = { records: recs, cursor: { stamp: iso(mode.stamp), lastId } };
      }
      mode = !done && lastId !== null
        ? { kind: 'tie', stamp: mode.stamp, floor: lastId, rangeTotal: mode.rangeTotal, beyond }
        : { kind: 'range', lo: { stamp: mode.stamp, inclusive: false } };
    }
  }
}
