// Associations v4: /crm/v4/objects/{from}/{id}/associations/{to}[/{toId}] (read, labeled PUT, DELETE),
// /associations/default/{to}/{toId} (default PUT), /crm/v4/associations/{from}/{to}/batch/* and labels.
// Record ids in v4 answers are JSON numbers (the client types them as strings but passes them through).
// https://developers.hubspot.com/docs/guides/api/crm/associations/associations-v4
import { addAssociation, removeAssociations } from '../data/assoc-ops.ts';
import { HubSpotError, validation } from '../http/errors.ts';
import { isObject, json, noContent, parseJsonBody, str } from '../http/http.ts';
import type { Res } from '../http/http.ts';
import { OBJECT_TYPE_IDS, SINGULAR } from '../schema/object-types.ts';
import type { ObjectType } from '../types.ts';
import { batchInputs, bodyObject, typeOrThrow } from './context.ts';
import type { Ctx } from './context.ts';

const idNum = (id: string): number | string => (/^\d+$/.test(id) && Number.isSafeInteger(Number(id)) ? Number(id) : id);
const stamp = (ctx: Ctx): string => new Date(ctx.acct.now()).toISOString();

function live(ctx: Ctx, type: ObjectType, id: string): boolean {
  const r = ctx.acct.table(type).byId(id);
  return r !== undefined && !r.archived;
}

function requireLive(ctx: Ctx, type: ObjectType, id: string): void {
  if (!live(ctx, type, id)) throw validation(`${SINGULAR[type]} ${id} does not exist or is archived; associations need live records.`, { context: { id: [id] } });
}

function specs(ctx: Ctx, from: ObjectType, id: string, to: ObjectType): Array<Record<string, unknown>> {
  return ctx.acct.associations.list(from, id, to).map((l) => ({
    toObjectId: idNum(l.toId),
    associationTypes: l.typeIds.map((t) => {
      const d = ctx.acct.associations.type(t);
      return { category: d?.category ?? 'HUBSPOT_DEFINED', typeId: t, label: d?.label ?? null };
    }),
  }));
}

function labelsBetween(ctx: Ctx, from: ObjectType, id: string, to: ObjectType, toId: string): Record<string, unknown> {
  const link = ctx.acct.associations.list(from, id, to).find((l) => l.toId === toId);
  const labels = (link?.typeIds ?? []).map((t) => ctx.acct.associations.type(t)?.label).filter((l): l is string => typeof l === 'string');
  return { fromObjectTypeId: OBJECT_TYPE_IDS[from], fromObjectId: idNum(id), toObjectTypeId: OBJECT_TYPE_IDS[to], toObjectId: idNum(toId), labels };
}

function typeIdsOf(raw: unknown): number[] {
  if (!Array.isArray(raw) || raw.length === 0) throw validation('At least one association type ({associationCategory, associationTypeId}) is required.');
  return raw.map((t) => (isObject(t) ? Number(t.associationTypeId) : NaN));
}

function defaultSpec(ctx: Ctx, from: ObjectType, id: string, to: ObjectType, toId: string): Array<Record<string, unknown>> {
  requireLive(ctx, from, id);
  requireLive(ctx, to, toId);
  const t = ctx.acct.associations.defaultType(from, to);
  if (!t) throw validation(`${from} cannot be associated with ${to}.`);
  addAssociation(ctx.acct, from, id, to, toId, t.typeId);
  ctx.acct.log({ op: 'associate', objectType: from, id, properties: { toObjectType: to, toObjectId: toId, associationTypeId: String(t.typeId) }, via: 'single' });
  const spec = (a: ObjectType, aId: string, b: ObjectType, bId: string, typeId: number): Record<string, unknown> =>
    ({ from: { id: aId }, to: { id: bId }, associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId } });
  return [spec(from, id, to, toId, t.typeId), spec(to, toId, from, id, t.inverse)];
}

/** /crm/v4/objects/{from}/{id}/associations/... */
export function routeObjectAssociations(ctx: Ctx, from: ObjectType, id: string, rest: string[]): Res {
  const m = ctx.req.method;
  if (rest[0] === 'default' && m === 'PUT') {
    const to = typeOrThrow(rest[1]);
    const results = defaultSpec(ctx, from, id, to, rest[2] ?? '');
    return json(200, { status: 'COMPLETE', results, startedAt: stamp(ctx), completedAt: stamp(ctx) });
  }
  const to = typeOrThrow(rest[0]);
  const toId = rest[1];
  if (toId === undefined && m === 'GET') {
    const all = specs(ctx, from, id, to);
    const limit = Math.min(Number(ctx.req.query.get('limit') ?? 500) || 500, 500);
    const after = Number(ctx.req.query.get('after') ?? 0) || 0;
    const body: Record<string, unknown> = { results: all.slice(after, after + limit) };
    if (after + limit < all.length) body.paging = { next: { after: String(after + limit) } };
    return json(200, body);
  }
  if (toId !== undefined && m === 'PUT') {
    requireLive(ctx, from, id);
    requireLive(ctx, to, toId);
    for (const t of typeIdsOf(parseJsonBody(ctx.req))) addAssociation(ctx.acct, from, id, to, toId, t);
    ctx.acct.log({ op: 'associate', objectType: from, id, properties: { toObjectType: to, toObjectId: toId }, via: 'single' });
    return json(201, labelsBetween(ctx, from, id, to, toId));
  }
  if (toId !== undefined && m === 'DELETE') {
    removeAssociations(ctx.acct, from, id, to, toId);
    ctx.acct.log({ op: 'unassociate', objectType: from, id, properties: { toObjectType: to, toObjectId: toId }, via: 'single' });
    return noContent();
  }
  throw new HubSpotError(405, 'VALIDATION_ERROR', `${m} is not supported here.`);
}

function idOf(raw: unknown): string {
  return isObject(raw) ? str(raw.id) : '';
}

function batch(ctx: Ctx, from: ObjectType, to: ObjectType, op: string): Res {
  const results: unknown[] = [];
  const errors: Array<Record<string, unknown>> = [];
  const done = (ok: number): Res => {
    const body: Record<string, unknown> = { status: 'COMPLETE', results, startedAt: stamp(ctx), completedAt: stamp(ctx) };
    if (errors.length === 0) return json(ok, body);
    return json(ok === 201 || op === 'read' ? 207 : ok, { ...body, numErrors: errors.length, errors });
  };
  const inputs = batchInputs(ctx, op === 'read' ? 1000 : 2000);
  const invalid = (e: HubSpotError, fromId: string): void => { errors.push({ status: 'error', category: e.category, message: e.message, context: { fromObjectId: [fromId] } }); };
  for (const input of inputs) {
    const fromId = op === 'read' ? str(input.id) : idOf(input.from);
    try {
      if (op === 'create') {
        requireLive(ctx, from, fromId);
        const toId = idOf(input.to);
        requireLive(ctx, to, toId);
        for (const t of typeIdsOf(input.types)) addAssociation(ctx.acct, from, fromId, to, toId, t);
        ctx.acct.log({ op: 'associate', objectType: from, id: fromId, properties: { toObjectType: to, toObjectId: toId }, via: 'batch' });
        results.push(labelsBetween(ctx, from, fromId, to, toId));
      } else if (op === 'associate/default') {
        results.push(...defaultSpec(ctx, from, fromId, to, idOf(input.to)));
      } else if (op === 'read') {
        const links = specs(ctx, from, fromId, to);
        if (links.length === 0) {
          errors.push({ status: 'error', category: 'OBJECT_NOT_FOUND', subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND', message: `No ${to} is associated with ${SINGULAR[from]} ${fromId}.`, context: { fromObjectId: [fromId] } });
        } else results.push({ from: { id: fromId }, to: links });
      } else if (op === 'archive' || op === 'labels/archive') {
        const tos = Array.isArray(input.to) ? input.to.map(idOf) : [idOf(input.to)];
        const types = op === 'labels/archive' ? typeIdsOf(input.types) : [undefined];
        for (const toId of tos) for (const t of types) removeAssociations(ctx.acct, from, fromId, to, toId, t);
      }
    } catch (e) {
      if (!(e instanceof HubSpotError)) throw e;
      invalid(e, fromId);
    }
  }
  if (op === 'archive' || op === 'labels/archive') return noContent();
  return done(op === 'create' ? 201 : 200);
}

/** /crm/v4/associations/{from}/{to}/(batch/*|labels) */
export function routeAssociations(ctx: Ctx, rest: string[]): Res {
  const from = typeOrThrow(rest[0]);
  const to = typeOrThrow(rest[1]);
  const tail = rest.slice(2).join('/');
  if (tail.startsWith('batch/') && ctx.req.method === 'POST') return batch(ctx, from, to, tail.slice('batch/'.length));
  if (tail === 'labels') {
    if (ctx.req.method === 'GET') {
      return json(200, { results: ctx.acct.associations.typesBetween(from, to).map((t) => ({ category: t.category, typeId: t.typeId, label: t.label })) });
    }
    if (ctx.req.method === 'POST') {
      const b = bodyObject(ctx);
      if (typeof b.label !== 'string' || typeof b.name !== 'string') throw validation('label and name are required.');
      const t = ctx.acct.associations.addLabel(from, to, b.label, b.name);
      return json(200, { results: [{ category: t.category, typeId: t.typeId, label: t.label }, { category: t.category, typeId: t.inverse, label: t.label }] });
    }
  }
  throw new HubSpotError(404, 'OBJECT_NOT_FOUND', `No route for ${ctx.req.method} ${ctx.req.path}.`);
}
