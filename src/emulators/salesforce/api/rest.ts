// Routing below /services/data/vXX.X/: query, sobjects, collections, composite, limits and the resource map.
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_list.htm
import { ApiError, methodNotAllowed, notFound } from '../http/errors.ts';
import { json } from '../http/http.ts';
import type { Res } from '../http/http.ts';
import { parseBatchSize } from '../soql/execute.ts';
import { collections } from './collections.ts';
import { composite } from './composite.ts';
import type { ApiCtx } from './context.ts';
import { sobjects } from './sobjects.ts';

/** GET /services/data/: every API version the emulator answers (no authentication, like the real one). */
export function versions(max: number): Array<{ label: string; url: string; version: string }> {
  const out: Array<{ label: string; url: string; version: string }> = [];
  for (let v = 31; v <= max; v++) {
    // v59 = Winter '24, then Spring, Summer, Winter ... (three releases a year).
    const m = v - 59;
    const season = ['Winter', 'Spring', 'Summer'][((m % 3) + 3) % 3] ?? 'Winter';
    const year = 24 + Math.floor(m / 3);
    out.push({ label: `${season} '${String(year).padStart(2, '0')}`, url: `/services/data/v${v}.0`, version: `${v}.0` });
  }
  return out;
}

function resources(ctx: ApiCtx): Res {
  const base = ctx.org.dataPath(ctx.version);
  const names = ['tooling', 'metadata', 'eclair', 'folders', 'prechatForms', 'chatter', 'tabs', 'appMenu', 'quickActions',
    'queryAll', 'commerce', 'wave', 'search', 'analytics', 'parameterizedSearch', 'composite', 'theme', 'nouns', 'domino',
    'event', 'serviceTemplates', 'recent', 'connect', 'licensing', 'limits', 'process', 'dedupe', 'async-queries', 'query',
    'match', 'emailConnect', 'compactLayouts', 'knowledgeManagement', 'sobjects', 'actions', 'support', 'ui-api'];
  const out: Record<string, string> = {};
  for (const n of names) out[n] = `${base}/${n}`;
  out.identity = ctx.org.identityUrl(ctx.session.userId);
  return json(200, out);
}

/** GET /limits: the org's allocations; DailyApiRequests mirrors Sforce-Limit-Info. */
function limits(ctx: ApiCtx): Res {
  const used = ctx.org.apiUsed;
  const max = ctx.org.apiLimit;
  const alloc = (m: number, remaining: number): { Max: number; Remaining: number } => ({ Max: m, Remaining: remaining });
  return json(200, {
    ConcurrentAsyncGetReportInstances: alloc(200, 200), ConcurrentSyncReportRuns: alloc(20, 20),
    DailyApiRequests: alloc(max, Math.max(0, max - used)), DailyAsyncApexExecutions: alloc(250000, 250000),
    DailyBulkApiBatches: alloc(15000, 15000), DailyBulkV2QueryFileStorageMB: alloc(976562, 976562),
    DailyBulkV2QueryJobs: alloc(10000, 10000), DailyGenericStreamingApiEvents: alloc(10000, 10000),
    DailyStreamingApiEvents: alloc(10000, 10000), DailyWorkflowEmails: alloc(390, 390), DataStorageMB: alloc(5, 5),
    FileStorageMB: alloc(20, 20), HourlyODataCallout: alloc(10000, 10000), HourlyTimeBasedWorkflow: alloc(50, 50),
    MassEmail: alloc(10, 10), SingleEmail: alloc(15, 15), StreamingApiConcurrentClients: alloc(20, 20),
  });
}

function query(ctx: ApiCtx, segs: string[], all: boolean): Res {
  if (ctx.req.method !== 'GET') throw methodNotAllowed(ctx.req.method, ['GET', 'HEAD']);
  const batchSize = parseBatchSize(ctx.req.headers['sforce-query-options']);
  const locator = segs[1];
  if (locator !== undefined) {
    return json(200, ctx.queries.more(locator, { batchSize, version: ctx.version, userId: ctx.session.userId }));
  }
  const q = ctx.req.query.get('q');
  if (q === null || q.trim() === '') throw new ApiError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
  return json(200, ctx.queries.run(q, { all, batchSize, version: ctx.version, userId: ctx.session.userId }));
}

export function routeRest(ctx: ApiCtx, segs: string[], startedAt: number): Res {
  const [head, ...rest] = segs;
  switch (head) {
    case undefined: return resources(ctx);
    case 'query': return query(ctx, segs, false);
    case 'queryAll': return query(ctx, segs, true);
    case 'sobjects': return sobjects(ctx, rest, startedAt);
    case 'limits': return limits(ctx);
    case 'composite':
      if (rest[0] === 'sobjects') return collections(ctx, rest.slice(1));
      if (rest.length === 0) return composite(ctx, startedAt);
      throw notFound();
    default: throw notFound();
  }
}
