// The HTTP control surface under /__emulator/ (JSON, no auth, never counted as API calls): lets a test or a
// process outside this one seed data, inspect writes, inject faults and move the clock.
import { json, noContent, isObject } from './http/http.ts';
import type { Req, Res } from './http/http.ts';
import type { FaultRule, SalesforceEmulator as SalesforceEmulatorControl } from './types.ts';

function parse(req: Req): unknown {
  if (req.body.trim() === '') return undefined;
  return JSON.parse(req.body) as unknown;
}

const bad = (message: string, status = 400): Res => json(status, { error: message });

/** Routes /__emulator/* to the emulator's control methods. */
export function control(emu: SalesforceEmulatorControl, req: Req): Res {
  const segs = req.path.split('/').filter((s) => s !== '').slice(1).map((s) => decodeURIComponent(s));
  const [what, a, b] = segs;
  const m = req.method;
  try {
    if (what === 'seed' && m === 'POST' && a) {
      const body = parse(req);
      const records = Array.isArray(body) ? body : isObject(body) && Array.isArray(body.records) ? body.records : undefined;
      if (!records || !records.every(isObject)) return bad('body must be an array of records');
      return json(200, emu.seed(a, records));
    }
    if (what === 'records' && m === 'GET' && a) {
      if (b) {
        const rec = emu.get(a, b);
        return rec ? json(200, rec) : bad(`no ${a} with id ${b}`, 404);
      }
      const inc = req.query.get('includeDeleted');
      return json(200, emu.all(a, { includeDeleted: inc === '1' || inc === 'true' }));
    }
    if (what === 'update' && m === 'POST' && a && b) {
      const body = parse(req);
      if (!isObject(body)) return bad('body must be an object of fields');
      emu.update(a, b, body);
      return json(200, emu.get(a, b) ?? null);
    }
    if (what === 'remove' && m === 'POST' && a && b) {
      const body = parse(req);
      const mergedInto = isObject(body) && typeof body.mergedInto === 'string' ? body.mergedInto : undefined;
      emu.remove(a, b, mergedInto ? { mergedInto } : {});
      return json(200, emu.get(a, b) ?? null);
    }
    if (what === 'fields' && m === 'POST' && a) {
      const body = parse(req);
      if (!isObject(body) || typeof body.name !== 'string' || typeof body.type !== 'string') return bad('body must be a FieldDef');
      emu.addField(a, body as unknown as Parameters<SalesforceEmulatorControl['addField']>[1]);
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
    if (what === 'faults') {
      if (m === 'GET') return json(200, emu.faults.list().map((f) => ({ ...f, rule: { ...f.rule, path: f.rule.path?.toString() } })));
      if (m === 'DELETE') {
        if (a) emu.faults.remove(a);
        else emu.faults.clear();
        return noContent();
      }
      if (m === 'POST') {
        const body = parse(req);
        if (!isObject(body)) return bad('body must be a fault rule');
        return json(200, { id: emu.faults.add(body as unknown as FaultRule) });
      }
    }
    if (what === 'expire-sessions' && m === 'POST') {
      emu.expireSessions();
      return noContent();
    }
    if (what === 'api-usage' && m === 'POST') {
      const body = parse(req);
      if (!isObject(body) || typeof body.used !== 'number') return bad('body must be { used, limit? }');
      emu.setApiUsage(body.used, typeof body.limit === 'number' ? body.limit : undefined);
      return noContent();
    }
    if (what === 'clock' && m === 'POST') {
      const body = parse(req);
      if (isObject(body) && typeof body.now === 'string') {
        const fixed = new Date(body.now);
        if (Number.isNaN(fixed.getTime())) return bad('now must be an ISO timestamp');
        emu.setClock(() => new Date(fixed.getTime()));
        return json(200, { now: fixed.toISOString() });
      }
      if (isObject(body) && typeof body.offsetMs === 'number') {
        const offset = body.offsetMs;
        emu.setClock(() => new Date(Date.now() + offset));
        return json(200, { now: new Date(Date.now() + offset).toISOString() });
      }
      return bad('body must be { now: ISO } or { offsetMs: number }');
    }
    return bad(`unknown control endpoint ${m} ${req.path}`, 404);
  } catch (e) {
    return bad(e instanceof Error ? e.message : String(e));
  }
}
