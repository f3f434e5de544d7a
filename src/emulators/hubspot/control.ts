// The HTTP control surface under /__emulator/ (JSON, no auth, never counted or rate limited): lets a test or a
// process outside this one seed data, inspect writes, inject faults, expire tokens and move the clock. Same routes
// as the Salesforce emulator's, plus HubSpot's own (associate, tokens, limits, advance).
import { json, noContent, isObject } from './http/http.ts';
import type { Req, Res } from './http/http.ts';
import type { FaultRule, HubSpotEmulator, PropertyDef, SeedValue } from './types.ts';

function parse(req: Req): unknown {
  if (req.body.trim() === '') return undefined;
  return JSON.parse(req.body) as unknown;
}

const bad = (message: string, status = 400): Res => json(status, { error: message });
const truthy = (v: string | null): boolean => v === '1' || v === 'true';

function clock(emu: HubSpotEmulator, body: unknown): Res {
  if (isObject(body) && typeof body.now === 'string') {
    const fixed = new Date(body.now);
    if (Number.isNaN(fixed.getTime())) return bad('now must be an ISO timestamp');
    emu.setClock(() => new Date(fixed.getTime()));
    return json(200, { now: new Date(emu.now()).toISOString() });
  }
  if (isObject(body) && typeof body.offsetMs === 'number') {
    const offset = body.offsetMs;
    emu.setClock(() => new Date(Date.now() + offset));
    return json(200, { now: new Date(emu.now()).toISOString() });
  }
  if (isObject(body) && typeof body.advanceMs === 'number') {
    emu.advance(body.advanceMs);
    return json(200, { now: new Date(emu.now()).toISOString() });
  }
  return bad('body must be { now: ISO }, { offsetMs: number } or { advanceMs: number }');
}

function faults(emu: HubSpotEmulator, req: Req, id: string | undefined): Res {
  if (req.method === 'GET') return json(200, emu.faults.list().map((f) => ({ ...f, rule: { ...f.rule, path: f.rule.path?.toString() } })));
  if (req.method === 'DELETE') {
    if (id) emu.faults.remove(id);
    else emu.faults.clear();
    return noContent();
  }
  const body = parse(req);
  if (req.method === 'POST' && isObject(body)) return json(200, { id: emu.faults.add(body as unknown as FaultRule) });
  return bad('body must be a fault rule');
}

/** Routes /__emulator/* to the emulator's control methods. */
export function control(emu: HubSpotEmulator, req: Req): Res {
  const [what, a, b] = req.path.split('/').filter((s) => s !== '').slice(1).map((s) => decodeURIComponent(s));
  const m = req.method;
  try {
    if (what === 'seed' && m === 'POST' && a) {
      const body = parse(req);
      const records = Array.isArray(body) ? body : isObject(body) && Array.isArray(body.records) ? body.records : undefined;
      if (!records || !records.every(isObject)) return bad('body must be an array of records (property maps)');
      return json(200, emu.seed(a, records as Array<Record<string, SeedValue>>, { indexed: req.query.get('indexed') !== 'false' }));
    }
    if (what === 'records' && m === 'GET' && a) {
      if (b) return json(200, emu.get(a, b) ?? null, {});
      const inc = truthy(req.query.get('includeArchived')) || truthy(req.query.get('includeDeleted'));
      return json(200, emu.all(a, { includeArchived: inc }));
    }
    if (what === 'update' && m === 'POST' && a && b) {
      const body = parse(req);
      if (!isObject(body)) return bad('body must be an object of properties');
      emu.update(a, b, body as Record<string, SeedValue>);
      return json(200, emu.get(a, b) ?? null);
    }
    if (what === 'remove' && m === 'POST' && a && b) {
      const body = parse(req);
      const mergedInto = isObject(body) && typeof body.mergedInto === 'string' ? body.mergedInto : undefined;
      emu.remove(a, b, mergedInto ? { mergedInto } : {});
      return json(200, emu.get(a, b) ?? null);
    }
    if ((what === 'properties' || what === 'fields') && m === 'POST' && a) {
      const body = parse(req);
      if (!isObject(body) || typeof body.name !== 'string' || typeof body.type !== 'string') return bad('body must be a PropertyDef');
      emu.addProperty(a, body as unknown as PropertyDef);
      return noContent();
    }
    if (what === 'associate' && m === 'POST') {
      const body = parse(req);
      if (!isObject(body)) return bad('body must be { fromType, fromId, toType, toId }');
      emu.associate(String(body.fromType), String(body.fromId), String(body.toType), String(body.toId));
      return noContent();
    }
    if (what === 'calls') {
      if (m === 'GET' && !a) return json(200, emu.calls());
      if (m === 'POST' && a === 'reset') {
        emu.resetCalls();
        return noContent();
      }
    }
    if (what === 'writes' && m === 'GET') return json(200, emu.writeLog());
    if (what === 'faults') return faults(emu, req, a);
    if ((what === 'expire-tokens' || what === 'expire-sessions') && m === 'POST') {
      emu.expireTokens();
      return noContent();
    }
    if (what === 'tokens' && m === 'POST') return json(200, emu.issueTokens());
    if (what === 'authorization-code' && m === 'POST') {
      const body = parse(req);
      return json(200, { code: emu.authorizationCode(isObject(body) && typeof body.redirectUri === 'string' ? body.redirectUri : undefined) });
    }
    if ((what === 'api-usage' || what === 'daily-usage') && m === 'POST') {
      const body = parse(req);
      if (!isObject(body) || typeof body.used !== 'number') return bad('body must be { used, limit? }');
      emu.setDailyUsage(body.used, typeof body.limit === 'number' ? body.limit : undefined);
      return noContent();
    }
    if (what === 'limits' && m === 'GET') return json(200, emu.limits());
    if (what === 'clock' && m === 'POST') return clock(emu, parse(req));
    if (what === 'clock' && m === 'GET') return json(200, { now: new Date(emu.now()).toISOString() });
    return bad(`unknown control endpoint ${m} ${req.path}`, 404);
  } catch (e) {
    return bad(e instanceof Error ? e.message : String(e));
  }
}
