// Routes an authenticated, admitted API request to its handler by path.
import { HubSpotError, notFound } from '../http/errors.ts';
import { json } from '../http/http.ts';
import type { Res } from '../http/http.ts';
import { routeAssociations, routeObjectAssociations } from './associations.ts';
import { batchArchive, batchCreate, batchRead, batchUpdate } from './batch.ts';
import { bodyObject, typeOrThrow } from './context.ts';
import type { Ctx } from './context.ts';
import { archive, create, getOne, list, merge, update } from './objects.ts';
import { routePipelines } from './pipelines.ts';
import { routeProperties } from './properties.ts';

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function objects(ctx: Ctx, segs: string[]): Res {
  const [typeName, a, b] = segs;
  const type = typeOrThrow(typeName);
  const m = ctx.req.method;
  if (a === undefined) {
    if (m === 'GET') return list(ctx, type);
    if (m === 'POST') return create(ctx, type);
  } else if (a === 'search' && m === 'POST') {
    return json(200, ctx.search.run(type, bodyObject(ctx)));
  } else if (a === 'merge' && m === 'POST') {
    return merge(ctx, type);
  } else if (a === 'batch' && m === 'POST') {
    if (b === 'read') return batchRead(ctx, type);
    if (b === 'create') return batchCreate(ctx, type);
    if (b === 'update') return batchUpdate(ctx, type, false);
    if (b === 'upsert') return batchUpdate(ctx, type, true);
    if (b === 'archive') return batchArchive(ctx, type);
  } else if (b === undefined) {
    if (m === 'GET') return getOne(ctx, type, a);
    if (m === 'PATCH') return update(ctx, type, a);
    if (m === 'DELETE') return archive(ctx, type, a);
  }
  throw new HubSpotError(405, 'VALIDATION_ERROR', `${m} is not supported on ${ctx.req.path}.`);
}

export function route(ctx: Ctx): Res {
  const segs = ctx.req.path.split('/').filter((s) => s !== '').map(decode);
  const [root, version, area, ...rest] = segs;
  if (root !== 'crm') throw notFound();
  if (version === 'v3' && area === 'objects') return objects(ctx, rest);
  if (version === 'v3' && area === 'properties') return routeProperties(ctx, typeOrThrow(rest[0]), rest.slice(1));
  if (version === 'v3' && area === 'pipelines') return routePipelines(ctx, rest[0], rest.slice(1));
  if (version === 'v4' && area === 'objects' && rest[2] === 'associations') {
    return routeObjectAssociations(ctx, typeOrThrow(rest[0]), rest[1] ?? '', rest.slice(3));
  }
  if (version === 'v4' && area === 'associations') return routeAssociations(ctx, rest);
  throw notFound();
}
