// `metrics:` config section: where the daemon serves /metrics, /healthz and /readyz.
import { z } from 'zod';

export const metricsConfigSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Serve /metrics (Prometheus), /healthz and /readyz from the daemon.'),
  host: z.string().min(1).default('127.0.0.1').describe('Listen address; 0.0.0.0 in a container.'),
  port: z.number().int().min(0).max(65535).default(9464).describe('Listen port (9464 is the Prometheus exporter default); 0 = any free port.'),
}).prefault({});
export type MetricsConfig = z.infer<typeof metricsConfigSchema>;
