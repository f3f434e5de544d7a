// The HubSpot pull against the emulator with its real limits on: 10,000 results per search query, 2 s indexing lag,
// 5 searches per second, one sort per query.
import { afterEach, describe, expect, it } from 'vitest';
import type { Page, PulledLead } from '../../../src/connectors/contract.ts';
import type { Env } from './env.ts';
import { drain, hsConfig, mqlContacts, signal, startEnv } from './env.ts';

const ids = (pages: ReadonlyArray<Page<PulledLead>>): string[] => pages.flatMap((p) => p.items.filter((i) => i.kind === 'lead').map((i) => i.externalId));

describe('hubspot pull', () => {
  let env: Env;
  afterEach(async () => {
    await env.close();
  });

  it('pulls 25,000 MQL contacts changed within the same minute completely and without duplicates (10k cap, index lag)', async () => {
    env = await startEnv();
    await env.setup();
    const minute = env.clock.ms;
    // 15,000 share one millisecond (a bulk import), 10,000 are spread over the same minute, the last 4,000 of them
    // still being indexed when they are seeded (search lag on).
    const bulk = mqlContacts(15_000, 0, () => ({ hs_lastmodifieddate: minute + 30_000 }));
    const spread = mqlContacts(10_000, 15_000, (i) => ({ hs_lastmodifieddate: minute + (i * 7) % 60_000 }));
    const seeded = [
      ...env.emu.seed('contacts', bulk),
      ...env.emu.seed('contacts', spread.slice(0, 6_000)),
      ...env.emu.seed('contacts', spread.slice(6_000), { indexed: false }),
    ];
    env.clock.advance(65);
    env.emu.resetCalls();
    const c = env.connector({ config: hsConfig(env.emu, { searchPageSize: 200 }) });
    const pages = await drain(c.pullLeads({ from: null, signal }));
    const pulled = ids(pages);
    expect(pulled).toHaveLength(25_000);
    expect(new Set(pulled).size).toBe(25_000);
    expect(new Set(pulled)).toEqual(new Set(seeded));
    const stamps = pages.map((p) => Date.parse(p.cursor.stamp));
    expect([...stamps].sort((a, b) => a - b)).toEqual(stamps);
    expect(pages.at(-1)?.cursor.lastId).toBeNull();
    // Keyset pages never reach the cap and the limiter keeps search under 5 per second: no 400, no 429.
    expect(env.emu.calls().throttled).toBe(0);
    const searches = c.usage().callsByStage['pull-leads'] ?? 0;
    expect(searches).toBeLessThanOrEqual(Math.ceil(25_000 / 200) + 70);
  }, 120_000);

  it('resumes inside a tie after a crash (cursor { stamp, lastId }) without losing a record', async () => {
    env = await startEnv();
    await env.setup();
    const seeded = env.emu.seed('contacts', mqlContacts(230, 0, () => ({ hs_lastmodifieddate: env.clock.ms })));
    env.clock.advance(5);
    const config = hsConfig(env.emu, { searchPageSize: 50 });
    const gen = env.connector({ config }).pullLeads({ from: null, signal });
    const first = (await gen.next()).value as Page<PulledLead>;
    const second = (await gen.next()).value as Page<PulledLead>;
    expect(second.cursor.lastId).not.toBeNull();
    const rest = await drain(env.connector({ config }).pullLeads({ from: second.cursor, signal }));
    const all = [...ids([first, second]), ...ids(rest)];
    expect(new Set(all)).toEqual(new Set(seeded));
    expect(all).toHaveLength(seeded.length);
  });

  it("reads each page's companies with one association read and one company read per 100, never per record", async () => {
    env = await startEnv();
    await env.setup();
    const contacts = env.emu.seed('contacts', mqlContacts(150));
    const companies = env.emu.seed('companies', contacts.map((_, i) => ({ name: `Acme ${i}`, domain: `acme${i}.io` })));
    contacts.forEach((id, i) => env.emu.associate('contacts', id, 'companies', companies[i] ?? ''));
    env.clock.advance(5);
    const c = env.connector();
    const items = (await drain(c.pullLeads({ from: null, signal }))).flatMap((p) => p.items);
    expect(items.filter((i) => i.kind === 'lead').map((i) => (i.kind === 'lead' ? i.data.company : null)).sort()).toEqual(companies.map((_, i) => `Acme ${i}`).sort());
    expect(c.usage().callsByStage['pull-companies']).toBe(1 + Math.ceil(150 / 100));
  });

  it('reads a change the search index did not have yet on the next pull (window ends at now minus the lag)', async () => {
    env = await startEnv();
    await env.setup();
    const c = env.connector();
    const [early] = env.emu.seed('contacts', mqlContacts(1, 0));
    env.clock.advance(10);
    const cursor = (await drain(c.pullLeads({ from: null, signal }))).at(-1)?.cursor ?? null;
    const [late] = env.emu.seed('contacts', mqlContacts(1, 1), { indexed: false });
    env.clock.advance(1);
    expect(ids(await drain(c.pullLeads({ from: cursor, signal })))).toEqual([]);
    env.clock.advance(10);
    expect(ids(await drain(c.pullLeads({ from: cursor, signal })))).toEqual([late]);
    expect(early).toBeDefined();
  });

  it('lists the archive at most every archiveSweepMinutes, looking back over the minutes it skipped', async () => {
    env = await startEnv();
    await env.setup();
    const c = env.connector({ config: hsConfig(env.emu, { archiveSweepMinutes: 60 }) });
    const [gone, kept] = env.emu.seed('contacts', mqlContacts(2));
    env.clock.advance(5);
    let cursor = (await drain(c.pullLeads({ from: null, signal }))).at(-1)?.cursor ?? null;
    env.clock.advance(5);
    cursor = (await drain(c.pullLeads({ from: cursor, signal }))).at(-1)?.cursor ?? null; // sweeps (first time)
    env.emu.remove('contacts', gone ?? '');
    env.clock.advance(20 * 60);
    const skipped = await drain(c.pullLeads({ from: cursor, signal }));
    expect(skipped.flatMap((p) => p.items).filter((i) => i.kind === 'deleted')).toEqual([]);
    const archivedCalls = c.usage().callsByStage['pull-archived'];
    cursor = skipped.at(-1)?.cursor ?? null;
    env.clock.advance(45 * 60);
    const swept = (await drain(c.pullLeads({ from: cursor, signal }))).flatMap((p) => p.items);
    expect(swept.filter((i) => i.kind === 'deleted')).toEqual([expect.objectContaining({ externalId: gone, mergedInto: null })]);
    expect(c.usage().callsByStage['pull-archived']).toBe((archivedCalls ?? 0) + 1);
    expect(kept).toBeDefined();
  });
});
