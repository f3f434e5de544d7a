// Table shapes for running several instances on one database (migrations 0030–0039), merged into `Database`
// in schema.ts. Same storage choices as there: ISO text timestamps (they compare correctly as text).
type Iso = string;

export interface ClusterTables {
  /** One row per scheduled job: its current or last lease. The row is never deleted, so `token` only grows. */
  job_leases: { job: string; holder: string; token: number; acquired_at: Iso; renewed_at: Iso; expires_at: Iso };
  /** Fixed-window hit counters: one row per (bucket, window), deleted once the window has ended. */
  rate_limits: { bucket: string; window_start: Iso; hits: number; expires_at: Iso };
}
