// The webhook inbox on a real SQLite file: deduplication by (crm, eventId), pending order, processing, purge.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Store } from '../../src/domain/ports.ts';
import { openStore } from '../../src/store/index.ts';

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'leadrelay-inbox-'));
  store = await openStore({ url: 'sqlite:inbox.db', baseDir: dir });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const ev = (eventId: string, objectId: string) => ({ eventId, objectId, kind: 'contact.propertyChange', occurredAt: new Date('2026-01-01T00:00:00Z') });

it('accepts each eventId once per CRM, lists pending oldest first, marks processed, purges old processed rows', async () => {
  const t0 = new Date('2026-01-01T00:00:01Z');
  expect((await store.inbox.accept('hubspot', [ev('1', 'a'), ev('2', 'b'), ev('1', 'a')], t0)).map((e) => e.eventId)).toEqual(['1', '2']);
  expect((await store.inbox.accept('hubspot', [ev('2', 'b'), ev('3', 'c')], new Date('2026-01-01T00:00:02Z'))).map((e) => e.eventId)).toEqual(['3']);
  expect((await store.inbox.accept('salesforce', [ev('1', 'x')], t0)).map((e) => e.eventId)).toEqual(['1']);
  expect((await store.inbox.pending('hubspot', 10)).map((e) => e.objectId)).toEqual(['a', 'b', 'c']);
  await store.transaction((tx) => tx.inbox.markProcessed('hubspot', ['1', '2'], t0));
  expect((await store.inbox.pending('hubspot', 10)).map((e) => e.eventId)).toEqual(['3']);
  expect(await store.inbox.purge(new Date('2026-01-01T00:00:02Z'))).toBe(2);
  // Purged ids are accepted again (HubSpot stopped retrying long before).
  expect((await store.inbox.accept('hubspot', [ev('1', 'a')], t0))).toHaveLength(1);
});
