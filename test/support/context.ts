// A ServiceContext over a real store with a movable clock, default rules and seeded randomness. The store is a
// SQLite file, or a fresh PostgreSQL schema with LEADRELAY_TEST_STORE=postgres (stores.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Store } from '../../src/domain/ports.ts';
import { configSchema } from '../../src/config/schema.ts';
import { nullLogger } from '../../src/lib/logger.ts';
import { matchingConfigSchema, qualificationConfigSchema } from '../../src/rules/config-schema.ts';
import type { ServiceContext, ServiceSettings } from '../../src/services/context.ts';
import { seededRandom } from '../../src/services/context.ts';
import { openStoreAt, testStoreUrl } from './stores.ts';

export interface TestClock { now(): Date; set(d: Date | string): void; advance(ms: number): void }

export function testClock(start: Date | string = '2026-11-02T09:00:00.000Z'): TestClock {
  let t = new Date(start).getTime();
  return { now: () => new Date(t), set: (d) => { t = new Date(d).getTime(); }, advance: (ms) => { t += ms; } };
}

const marketplace = configSchema.parse({});

export function defaultSettings(over: Partial<ServiceSettings> = {}): ServiceSettings {
  return {
    qualification: qualificationConfigSchema.parse({}),
    matching: matchingConfigSchema.parse({}),
    // offers, feedback, calendar, points: the config defaults (config/default.yaml).
    offers: marketplace.offers,
    feedback: marketplace.feedback,
    calendar: marketplace.calendar,
    points: marketplace.points,
    outbox: { maxAttempts: 8, retryBaseSeconds: 30 },
    opportunityStages: ['meeting', 'proposal', 'won', 'lost'],
    ...over,
  };
}

export interface TestContext { ctx: ServiceContext; clock: TestClock; store: Store; close(): Promise<void> }

export async function testContext(over: Partial<ServiceSettings> = {}): Promise<TestContext> {
  const dir = mkdtempSync(join(tmpdir(), 'leadrelay-svc-'));
  const where = await testStoreUrl(`sqlite:${join(dir, 'test.db')}`);
  const store = await openStoreAt(where);
  const clock = testClock();
  const ctx: ServiceContext = {
    store, clock, ids: { next: () => randomUUID() }, random: seededRandom(42), logger: nullLogger, settings: defaultSettings(over),
  };
  return {
    ctx, clock, store,
    async close() {
      await store.close();
      await where.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
