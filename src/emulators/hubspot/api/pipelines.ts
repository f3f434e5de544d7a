// /crm/v3/pipelines/deals: pipelines and their stages (create 201, update PATCH, replace PUT, archive 204). Deal
// stages need a `probability` between 0.0 and 1.0 in their metadata; labels are unique per object type.
// https://developers.hubspot.com/docs/guides/api/crm/pipelines
import { HubSpotError, validation } from '../http/errors.ts';
import { isObject, json, noContent } from '../http/http.ts';
import type { Res } from '../http/http.ts';
import type { PipelineDef, PipelineStageDef } from '../types.ts';
import { bodyObject } from './context.ts';
import type { Ctx } from './context.ts';

function stageMetadata(raw: unknown, current?: Record<string, string>): Record<string, string> {
  const md: Record<string, string> = { ...(current ?? {}) };
  if (isObject(raw)) for (const [k, v] of Object.entries(raw)) md[k] = String(v);
  const p = Number(md.probability);
  if (md.probability === undefined || !Number.isFinite(p) || p < 0 || p > 1) {
    throw validation(`Deal stages need metadata.probability between 0.0 and 1.0, got ${JSON.stringify(md.probability ?? null)}.`);
  }
  md.isClosed = md.isClosed === 'true' ? 'true' : 'false';
  return md;
}

function parseStage(ctx: Ctx, raw: unknown, i: number): PipelineStageDef {
  if (!isObject(raw) || typeof raw.label !== 'string' || raw.label === '') throw validation('Each stage needs a label.');
  return {
    id: ctx.acct.pipelines.newId(), label: raw.label,
    displayOrder: typeof raw.displayOrder === 'number' ? raw.displayOrder : i, metadata: stageMetadata(raw.metadata),
  };
}

function checkLabels(ctx: Ctx, label: string, selfId?: string): void {
  if (ctx.acct.pipelines.list().some((p) => p.label === label && p.id !== selfId)) {
    throw new HubSpotError(409, 'CONFLICT', `A pipeline with label ${label} already exists for deals.`);
  }
}

function parsePipeline(ctx: Ctx, b: Record<string, unknown>, id: string): PipelineDef {
  if (typeof b.label !== 'string' || b.label === '') throw validation('label is required.');
  if (!Array.isArray(b.stages) || b.stages.length === 0) throw validation('A pipeline needs at least one stage.');
  checkLabels(ctx, b.label, id);
  return { id, label: b.label, displayOrder: typeof b.displayOrder === 'number' ? b.displayOrder : 0, stages: b.stages.map((s, i) => parseStage(ctx, s, i)) };
}

function notFound(what: string, id: string): HubSpotError {
  return new HubSpotError(404, 'OBJECT_NOT_FOUND', `Unable to find ${what} ${id}.`, { context: { id: [id] } });
}

function stages(ctx: Ctx, p: PipelineDef, stageId: string | undefined): Res {
  const pl = ctx.acct.pipelines;
  const m = ctx.req.method;
  if (stageId === undefined) {
    if (m === 'GET') return json(200, { results: [...p.stages].sort((a, b) => a.displayOrder - b.displayOrder).map((s) => pl.stageToWire(p.id, s)) });
    if (m === 'POST') {
      const s = parseStage(ctx, bodyObject(ctx), p.stages.length);
      p.stages.push(s);
      pl.touch(p.id, s.id);
      return json(201, pl.stageToWire(p.id, s));
    }
  } else {
    const s = p.stages.find((x) => x.id === stageId);
    if (!s) throw notFound('stage', stageId);
    if (m === 'GET') return json(200, pl.stageToWire(p.id, s));
    if (m === 'PATCH' || m === 'PUT') {
      const b = bodyObject(ctx);
      if (typeof b.label === 'string' && b.label !== '') s.label = b.label;
      if (typeof b.displayOrder === 'number') s.displayOrder = b.displayOrder;
      if (b.metadata !== undefined || m === 'PUT') s.metadata = stageMetadata(b.metadata, m === 'PUT' ? undefined : s.metadata);
      pl.touch(p.id, s.id);
      return json(200, pl.stageToWire(p.id, s));
    }
    if (m === 'DELETE') {
      if (p.stages.length === 1) throw validation('A pipeline needs at least one stage.');
      p.stages.splice(p.stages.indexOf(s), 1);
      pl.touch(p.id);
      return noContent();
    }
  }
  throw new HubSpotError(405, 'VALIDATION_ERROR', `${m} is not supported here.`);
}

export function routePipelines(ctx: Ctx, objectTypeName: string | undefined, rest: string[]): Res {
  if (objectTypeName !== 'deals' && objectTypeName !== 'deal' && objectTypeName !== '0-3') {
    throw validation(`Pipelines are emulated for deals only, got ${objectTypeName ?? ''}.`);
  }
  const pl = ctx.acct.pipelines;
  const m = ctx.req.method;
  const [pid, sub, sid] = rest;
  if (pid === undefined) {
    if (m === 'GET') return json(200, { results: pl.list().map((p) => pl.toWire(p.id)) });
    if (m === 'POST') return json(201, pl.toWire(pl.create(parsePipeline(ctx, bodyObject(ctx), pl.newId())).id));
  } else {
    const p = pl.get(pid);
    if (!p) throw notFound('pipeline', pid);
    if (sub === 'stages') return stages(ctx, p, sid);
    if (sub === undefined) {
      if (m === 'GET') return json(200, pl.toWire(pid));
      if (m === 'PUT') return json(200, pl.toWire(pl.replace(parsePipeline(ctx, bodyObject(ctx), pid)).id));
      if (m === 'PATCH') {
        const b = bodyObject(ctx);
        if (typeof b.label === 'string' && b.label !== '') {
          checkLabels(ctx, b.label, pid);
          p.label = b.label;
        }
        if (typeof b.displayOrder === 'number') p.displayOrder = b.displayOrder;
        if (b.archived === true) pl.archive(pid);
        pl.touch(pid);
        return json(200, pl.toWire(pid));
      }
      if (m === 'DELETE') {
        if (pid === 'default') throw validation('The default pipeline cannot be deleted.');
        pl.archive(pid);
        return noContent();
      }
    }
  }
  throw new HubSpotError(405, 'VALIDATION_ERROR', `${m} is not supported here.`);
}
