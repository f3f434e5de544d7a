// `status`: what an operator checks first — cursors, queues, outbox backlog, quarantine, last runs, API usage.
import type { Command } from 'commander';
import type { CliIO } from '../shared.ts';
import { printJson, printTable, withApp } from '../shared.ts';

export function registerStatus(program: Command, io: CliIO): void {
  program.command('status')
    .description('cursors, lead counts, qualification queue, outbox backlog, quarantine, last runs and API usage')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }, cmd: Command) => {
      await withApp(io, cmd, async (app) => {
        const [cursors, allCounts, backlog, quarantine, runs, leases] = await Promise.all([
          app.store.cursors.list(), app.store.leads.countByStatus(), app.store.outbox.backlog(), app.store.quarantine.count(),
          app.store.runs.last('sync', 5), app.store.leases.list(),
        ]);
        const counts = Object.fromEntries(Object.entries(allCounts).filter(([, n]) => n > 0));
        const paused = await app.store.kv.get(`${app.config.crm}.quota.pausedUntil`);
        const pausedUntil = paused !== null && new Date(paused).getTime() > app.ctx.clock.now().getTime() ? paused : null;
        const lastSummary = runs[0]?.summary as { quota?: { used: number; limit: number } | null; apiCalls?: Record<string, number> } | undefined;
        const status = {
          crm: app.config.crm,
          cursors: cursors.map((c) => ({ crm: c.crm, object: c.object, stamp: c.cursor.stamp, lastId: c.cursor.lastId, savedAt: c.updatedAt.toISOString() })),
          leads: counts,
          qualificationQueue: (counts['needs_qualification'] ?? 0) + (counts['returned'] ?? 0),
          outbox: { pending: backlog.pending, oldestPending: backlog.oldest?.toISOString() ?? null, quarantined: backlog.quarantined },
          quarantine: quarantine,
          lastRuns: runs.map((r) => ({ id: r.id, startedAt: r.startedAt.toISOString(), finishedAt: r.finishedAt?.toISOString() ?? null, ok: r.ok })),
          apiUsage: { lastRunCalls: lastSummary?.apiCalls ?? {}, orgQuota: lastSummary?.quota ?? null, pausedUntil },
          // Several daemons: who runs (or last ran) each scheduled job; `running` while its lease is unexpired.
          jobLeases: leases.map((l) => ({
            job: l.job, instance: l.holder, fence: l.token, running: l.expiresAt.getTime() > app.ctx.clock.now().getTime(),
            since: l.acquiredAt.toISOString(), expiresAt: l.expiresAt.toISOString(),
          })),
        };
        if (o.json) {
          printJson(io, status);
          return;
        }
        io.out(`crm: ${status.crm}`);
        io.out('cursors:');
        printTable(io, status.cursors);
        io.out(`leads: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`);
        io.out(`qualification queue: ${status.qualificationQueue}`);
        io.out(`outbox: ${backlog.pending} pending${backlog.oldest ? ` (oldest ${backlog.oldest.toISOString()})` : ''}, ${backlog.quarantined} quarantined write-backs`);
        io.out(`quarantined records: ${quarantine.record}`);
        io.out(`API usage (last run): ${Object.entries(status.apiUsage.lastRunCalls).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}${status.apiUsage.orgQuota ? `; org ${status.apiUsage.orgQuota.used}/${status.apiUsage.orgQuota.limit}` : ''}`);
        if (pausedUntil !== null) io.out(`CRM API quota exhausted: CRM work paused until ${pausedUntil}`);
        io.out('last runs:');
        printTable(io, status.lastRuns);
        if (status.jobLeases.length > 0) {
          io.out('job leases (daemons):');
          printTable(io, status.jobLeases);
        }
      });
    });
}
