// `bin/leadrelay report` as an operator runs it: a child process on the seeded fixture store, all four formats,
// --out, and exit code 2 with a precise message for bad arguments.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/harness.ts';
import type { Fixture } from './fixture.ts';
import { AS_OF, seedReportFixture } from './fixture.ts';

let f: Fixture;
let dir: string;
let config: string;
beforeAll(async () => {
  f = await seedReportFixture();
  dir = mkdtempSync(join(tmpdir(), 'leadrelay-report-cli-'));
  config = join(dir, 'leadrelay.yaml');
  writeFileSync(config, ['crm: salesforce', `mappingsDir: ${JSON.stringify(join(repoRoot, 'mappings'))}`, 'store:', `  url: ${JSON.stringify(`sqlite:${f.t.file}`)}`, ''].join('\n'));
}, 30_000);
afterAll(async () => {
  await f.t.close();
  rmSync(dir, { recursive: true, force: true });
});

function run(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((done) => {
    execFile(join(repoRoot, 'bin/leadrelay'), ['--config', config, 'report', ...args], { cwd: dir, env: { ...process.env, LOG_LEVEL: 'error' } }, (error, out, err) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, out, err });
    });
  });
}

const base = ['--period', '2026-W47', '--as-of', AS_OF.toISOString()];

describe('leadrelay report', () => {
  it('json: the fixture figures', async () => {
    const r = await run([...base, '--format', 'json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as { kpis: { reserved: number; wonAmountCents: number; conversionRate: number }; partners: unknown[] };
    expect(json.kpis).toMatchObject({ reserved: 4, wonAmountCents: 500_000, conversionRate: 0.25 });
    expect(json.partners).toHaveLength(3);
  }, 30_000);

  it('table, csv (partner slice by CRM id) and html to a file', async () => {
    const table = await run([...base]);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/^All partners, 2026-W47 \(2026-11-16 to 2026-11-22, UTC\)/);
    expect(table.out).toMatch(/CR \(won \/ reserved\)\s+25\.0%\s+100\.0%/);
    const csv = await run([...base, '--format', 'csv', '--slice', 'partner:P002']);
    expect(csv.code).toBe(0);
    const lines = csv.out.split('\r\n').filter((l) => l !== '');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe(`${f.B.id},P002,Beta Distribution,2,2,0,0,0,1,0,1,0,0,9,12,3,2,0.6667,0,0.5,2.75,5000.00,5000.00,0.00,11,4,,no`); // one partner: no quadrant
    const out = join(dir, 'w47.html');
    const html = await run([...base, '--format', 'html', '--out', out, '--link', 'https://leads.example.test/r/w47']);
    expect(html.code).toBe(0);
    expect(html.err).toContain(`wrote html report 2026-W47 (All partners) to ${out}`);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/^<!DOCTYPE html>/);
    expect(text).toContain('href="https://leads.example.test/r/w47"');
    expect(text).not.toMatch(/<script|<style|<img/i);
  }, 60_000);

  it.each([
    [['--period', '2026-W54'], '--period 2026-W54: week 54 does not exist in 2026'],
    [['--period', '2026-W47', '--slice', 'partner:nobody'], '--slice partner:nobody: no partner with this id or CRM id'],
    [['--period', '2026-W47', '--slice', 'portfolio:cm@maker.test'], '--slice portfolio:cm@maker.test: no user with this id or email'],
    [['--period', '2026-W47', '--format', 'pdf'], '--format pdf: use one of table, csv, json, html'],
    [['--period', '2026-W47', '--as-of', 'tomorrow'], '--as-of tomorrow: not an ISO instant'],
    [['--period', '2026-W47', '--format', 'html', '--link', 'javascript:alert(1)'], '--link: link "javascript:alert(1)" must be http(s)'],
  ])('%j exits 2: %s', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`leadrelay: ${message}`);
    expect(r.out).toBe('');
  }, 30_000);
});
