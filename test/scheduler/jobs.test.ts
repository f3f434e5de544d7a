import { describe, expect, it } from 'vitest';
import { JobRunner } from '../../src/scheduler/jobs.ts';
import { nullLogger } from '../../src/lib/logger.ts';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
};

describe('JobRunner', () => {
  it('skips a tick while the previous run of the same job is still going', async () => {
    const runner = new JobRunner(nullLogger);
    const gate = deferred();
    let starts = 0;
    runner.add('sync', async () => { starts++; await gate.promise; });
    const a = runner.trigger('sync');
    const b = runner.trigger('sync');
    const c = runner.trigger('sync');
    expect(starts).toBe(1);
    gate.resolve();
    await Promise.all([a, b, c]);
    expect(runner.stats()['sync']).toMatchObject({ runs: 1, skipped: 2, failures: 0, running: false });
    await runner.trigger('sync');
    expect(starts).toBe(2);
  });

  it('reports a failure and keeps running', async () => {
    const runner = new JobRunner(nullLogger);
    let n = 0;
    runner.add('flaky', async () => { n++; if (n === 1) throw new Error('CRM down'); });
    await runner.trigger('flaky');
    expect(runner.stats()['flaky']).toMatchObject({ failures: 1, lastError: 'CRM down' });
    await runner.trigger('flaky');
    expect(runner.stats()['flaky']).toMatchObject({ runs: 2, failures: 1, lastError: null });
  });

  it('drain aborts the running job at its next checkpoint and refuses new runs', async () => {
    const runner = new JobRunner(nullLogger);
    let checkpoints = 0;
    runner.add('long', async (signal) => {
      for (;;) {
        await new Promise((r) => setTimeout(r, 5));
        signal.throwIfAborted();
        checkpoints++;
      }
    });
    void runner.trigger('long');
    await new Promise((r) => setTimeout(r, 30));
    expect(await runner.drain(2000)).toBe(true);
    const after = checkpoints;
    await runner.trigger('long');
    expect(checkpoints).toBe(after);
    expect(runner.stats()['long']?.running).toBe(false);
  });
});
