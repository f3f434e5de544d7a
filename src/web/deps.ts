// What the web app is built from (CONVENTIONS rule 12: injected, no singletons). `buildWebApp(deps)` takes the
// service context (store, clock, settings), the `web:` config, the notifier (mail outbox + sender) and a logger.
import type { Notifier } from '../notify/notifier.ts';
import type { Logger } from '../lib/logger.ts';
import type { ServiceContext } from '../services/context.ts';
import type { WebConfig } from './config-schema.ts';
import type { HubSpotHooks } from './routes/hooks.ts';

export interface WebDeps {
  readonly ctx: ServiceContext;
  readonly web: WebConfig & { readonly secret: string };
  readonly notifier: Notifier;
  readonly logger: Logger;
  /** HubSpot webhook receiver settings (realtime ingestion); absent = no /hooks/hubspot route. */
  readonly hooks?: HubSpotHooks;
}
