// Convergence under faults: the same scripted lifecycle (pull → offer → assignment → feedback → write-back)
// once against a healthy emulator and once with about 20 % of the calls failing in every way the real service
// fails (429 with and without Retry-After, 503 with an HTML page, 500, connection resets, responses slower than
// the timeout, sessions expiring mid-run, row locks inside batches, writes applied whose answer is lost).
// Both runs must leave the org in exactly the same state, and the faulty one may spend at most 1.3× the calls.
// LEADRELAY_LARGE=1 runs the 5,000-lead variant.
import { afterEach, describe, expect, it } from 'vitest';
import type { FaultKind } from '../../src/emulators/salesforce/index.ts';
import type { Harness } from '../support/harness.ts';
import { startHarness } from '../support/harness.ts';
import { actAsPartners, crmState, lifecycleSize, seedLifecycle, syncUntilQuiet } from './lifecycle.ts';

const api: FaultKind[] = ['query', 'queryMore', 'queryAll', 'collections', 'sobject', 'composite', 'describe', 'soap'];
const sfError = (errorCode: string, message: string) => [{ message, errorCode }];

function injectFaults(h: Harness): void {
  const f = h.emu.faults;
  f.add({ kind: api, probability: 0.03, seed: 11, status: 429, headers: { 'Retry-After': '1' }, body: sfError('REQUEST_LIMIT', 'Too many requests') });
  f.add({ kind: api, probability: 0.03, seed: 12, status: 429, body: sfError('REQUEST_LIMIT', 'Too many requests') });
  f.add({ kind: api, probability: 0.03, seed: 13, status: 503, headers: { 'content-type': 'text/html' }, body: '<html><body><h1>Service Unavailable</h1><p>Maintenance</p></body></html>' });
  f.add({ kind: api, probability: 0.03, seed: 14, status: 500, body: sfError('UNKNOWN_EXCEPTION', 'An unexpected error occurred') });
  f.add({ kind: api, probability: 0.03, seed: 15, reset: true });
  f.add({ kind: api, probability: 0.02, seed: 16, status: 401, body: sfError('INVALID_SESSION_ID', 'Session expired or invalid') });
  f.add({ kind: api, probability: 0.01, seed: 17, delayMs: 2500 });
  f.add({ kind: 'collections', probability: 0.03, seed: 18, recordError: { index: 0, statusCode: 'UNABLE_TO_LOCK_ROW', message: 'unable to obtain exclusive access to this record' } });
  f.add({ kind: 'collections', probability: 0.03, seed: 19, afterApply: { reset: true } });
}

async function lifecycle(faults: boolean) {
  const h = await startHarness({
    // Small pages and batches: more calls for the faults to hit.
    salesforceLines: ['  queryBatchSize: 200', '  writeBatchSize: 50', '  requestTimeoutSeconds: 2', '  retry:', '    minDelayMs: 20', '    maxDelayMs: 200', '    maxRetryAfterSeconds: 5'],
    syncLines: ['  retryBaseSeconds: 1'],
  });
  harnesses.push(h);
  const size = lifecycleSize();
  const setup = await h.cli(['setup', 'salesforce']);
  if (setup.code !== 0) throw new Error(setup.err);
  seedLifecycle(h, size);
  h.emu.resetCalls();
  if (faults) injectFaults(h);
  const first = await syncUntilQuiet(h);
  const acted = await actAsPartners(h);
  const second = await syncUntilQuiet(h);
  const calls = h.emu.calls();
  return { state: crmState(h), billed: calls.total, requests: calls.total + calls.rejected, faults: h.emu.faults.injected(), acted, runs: first.length + second.length, size };
}

const harnesses: Harness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});

describe('convergence under faults', () => {
  it('a lifecycle with ~20 % failing calls ends in the clean run\'s CRM state, within 1.3× the API calls', async () => {
    const clean = await lifecycle(false);
    const faulty = await lifecycle(true);
    const leads = Object.keys((clean.state as { leads: object }).leads).length;
    const opps = Object.keys((clean.state as { opps: object }).opps).length;
    console.log(`convergence: ${clean.size.mqls} MQLs (${leads} Leads, ${opps} Opportunities checked), ${faulty.faults} faults in ${faulty.requests} requests `
      + `(${Math.round((100 * faulty.faults) / faulty.requests)} %); API calls billed: clean ${clean.billed}, faulty ${faulty.billed} `
      + `(${(faulty.billed / clean.billed).toFixed(2)}×); sync runs ${clean.runs} vs ${faulty.runs}`);
    expect(clean.acted).toBeGreaterThan(0);
    expect(opps).toBeGreaterThan(0);
    expect(faulty.faults / faulty.requests).toBeGreaterThanOrEqual(0.12);
    expect(faulty.state).toEqual(clean.state);
    expect(faulty.billed).toBeLessThanOrEqual(clean.billed * 1.3);
  }, 600_000);
});
