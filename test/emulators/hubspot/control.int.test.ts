// The HTTP control surface under /__emulator/* (no auth, never counted), mirroring the Salesforce emulator's, and
// the in-process back door (seed with explicit stamps, user edits, merges).
import { afterEach, describe, expect, it } from 'vitest';
import type { HubSpotEmulator } from '../../../src/emulators/hubspot/index.ts';
import { raw, startEmu, T0 } from './support.ts';
import type { Json } from './support.ts';

let emu: HubSpotEmulator;
afterEach(async () => {
  await emu.close();
});

const ctl = async (emu: HubSpotEmulator, method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> => {
  const r = await raw(emu, method, `/__emulator/${path}`, body, null);
  return { status: r.status, body: r.body };
};

describe('control surface', () => {
  it('seeds, reads, edits, removes, faults, expires tokens, sets usage and moves the clock over HTTP', async () => {
    emu = await startEmu();
    const seeded = await ctl(emu, 'POST', 'seed/contacts', [{ email: 'a@example.test', hs_lastmodifieddate: '2025-01-01T00:00:00.000Z' }, { email: 'b@example.test' }]);
    expect(seeded.status).toBe(200);
    const [a, b] = seeded.body as string[];
    expect((await ctl(emu, 'GET', `records/contacts/${a}`)).body.properties).toMatchObject({ email: 'a@example.test', hs_lastmodifieddate: '2025-01-01T00:00:00.000Z', lastmodifieddate: '2025-01-01T00:00:00.000Z', createdate: '2025-01-01T00:00:00.000Z' });
    const edited = await ctl(emu, 'POST', `update/contacts/${a}`, { firstname: 'Ann' });
    expect(edited.body.properties).toMatchObject({ firstname: 'Ann', hs_lastmodifieddate: new Date(T0).toISOString() });
    await ctl(emu, 'POST', `remove/contacts/${b}`, { mergedInto: a });
    expect((await ctl(emu, 'GET', 'records/contacts')).body).toHaveLength(1);
    expect((await ctl(emu, 'GET', 'records/contacts?includeArchived=1')).body).toHaveLength(2);
    const fault = await ctl(emu, 'POST', 'faults', { kind: 'list', status: 503, body: '<html>down</html>' });
    expect((await raw(emu, 'GET', '/crm/v3/objects/contacts')).status).toBe(503);
    expect((await ctl(emu, 'GET', 'faults')).body).toEqual([expect.objectContaining({ id: fault.body.id, fired: 1, active: false })]);
    expect((await ctl(emu, 'DELETE', 'faults')).status).toBe(204);
    const tokens = (await ctl(emu, 'POST', 'tokens')).body;
    await ctl(emu, 'POST', 'expire-tokens');
    expect((await raw(emu, 'GET', '/crm/v3/objects/contacts', undefined, tokens.access_token)).body.category).toBe('EXPIRED_AUTHENTICATION');
    await ctl(emu, 'POST', 'api-usage', { used: 10, limit: 10 });
    expect((await raw(emu, 'GET', '/crm/v3/objects/contacts')).body.policyName).toBe('DAILY');
    expect((await ctl(emu, 'GET', 'limits')).body.daily).toEqual({ max: 10, remaining: 0, used: 10 });
    expect((await ctl(emu, 'POST', 'clock', { advanceMs: 1500 })).body.now).toBe(new Date(T0 + 1500).toISOString());
    expect((await ctl(emu, 'POST', 'clock', { now: '2026-01-01T00:00:00.000Z' })).body.now).toBe('2026-01-01T00:00:01.500Z');
    expect((await ctl(emu, 'GET', 'calls')).body).toMatchObject({ total: 0, rejected: 3, throttled: 1 });
    expect((await ctl(emu, 'POST', 'calls/reset')).status).toBe(204);
    expect((await ctl(emu, 'GET', 'writes')).body).toEqual([]);
    expect((await ctl(emu, 'POST', 'seed/widgets', [{}])).status).toBe(400);
    expect((await ctl(emu, 'GET', 'nope')).status).toBe(404);
  });

  it('seeds many records with one stamp and explicit ids; unknown properties throw', () => {
    return (async () => {
      emu = await startEmu();
      const ids = emu.seed('contacts', Array.from({ length: 3 }, (_, i) => ({ email: `s${i}@example.test`, hs_lastmodifieddate: T0 - 5000, createdate: new Date(T0 - 9000) })));
      expect(new Set(emu.all('contacts').map((c) => c.properties.hs_lastmodifieddate))).toEqual(new Set([new Date(T0 - 5000).toISOString()]));
      expect(emu.all('contacts').map((c) => c.createdAt)).toEqual(ids.map(() => new Date(T0 - 9000).toISOString()));
      const [explicit] = emu.seed('companies', [{ hs_object_id: 9_000_000, name: 'Fixed' }]);
      expect(explicit).toBe('9000000');
      expect(emu.seed('companies', [{ name: 'Next' }])).toEqual(['9000001']);
      expect(() => emu.seed('contacts', [{ colour: 'red' }])).toThrow(/Property "colour" does not exist/);
      expect(() => emu.seed('contacts', [{ email: 'S0@example.test' }])).toThrow(/Contact already exists/);
    })();
  });
});
