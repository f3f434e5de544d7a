// Meaningful exit codes for scripts and cron wrappers around the CLI.
export const exitCodes = {
  ok: 0,
  /** The command ran but something failed (a sync cycle error, a refused reservation). */
  failed: 1,
  /** Bad usage, config or mapping: fix the input, then run again. */
  invalidInput: 2,
  /** The CRM could not be reached or refused our credentials. */
  crmUnavailable: 3,
  /** Ran, but some records or write-backs were quarantined: see `leadrelay quarantine list`. */
  partial: 4,
} as const;
