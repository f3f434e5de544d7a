// The `cluster:` section: several `leadrelay daemon` / `leadrelay serve` processes on one database.
// schema.ts imports it; config/default.yaml lists every key with these defaults.
import { z } from 'zod';

export const clusterSchema = z.strictObject({
  leaseSeconds: z.number().int().min(2).max(3600).default(30)
    .describe('A daemon holds a scheduled job\'s lease while it runs, renewing it every third of this. A daemon that dies stops renewing: another takes the job over after at most this long plus one schedule tick. A run that cannot renew for three quarters of it is aborted, so keep it above 4 × the longest stall (SQLite: at least 20 s).'),
  instanceId: z.string().trim().min(1).max(200).regex(/^[\w.:@-]+$/, { error: 'letters, digits and . _ - : @ only' }).nullable().default(null)
    .describe('Names this process in job leases, logs, status and /readyz; null = <hostname>-<pid>-<random>. Must differ between running processes.'),
}).prefault({});

export type ClusterConfig = z.infer<typeof clusterSchema>;
