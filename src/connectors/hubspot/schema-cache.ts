// The account's property definitions and deal pipelines, read once per object and reused (checkMapping, setup,
// deal writes, verify), re-read after `ttlMs` so a long-lived daemon sees an admin's change without a restart, and
// forgotten after setup changes them.
// https://developers.hubspot.com/docs/guides/api/crm/properties  https://developers.hubspot.com/docs/guides/api/crm/pipelines
import type { OpportunityMapping } from '../../mapping/index.ts';
import type { HubSpotClient } from './client.ts';
import type { Pipeline, Property } from './schemas.ts';
import { describeIssues, pipelinesSchema, propertiesSchema } from './schemas.ts';
import type { Stage } from './usage.ts';
import { malformed } from './walk.ts';

interface Entry<T> { readonly at: number; readonly p: Promise<T> }

export interface ResolvedPipeline {
  readonly pipeline: Pipeline;
  /** Canonical stage → stage id (the mapping names stages by label or id). */
  readonly stageIds: ReadonlyMap<string, string>;
}

export class SchemaCache {
  private readonly properties = new Map<string, Entry<Property[]>>();
  private pipelinesEntry: Entry<Pipeline[]> | null = null;

  constructor(private readonly client: HubSpotClient, private readonly now: () => Date, private readonly ttlMs = 10 * 60_000) {}

  private fresh<T>(e: Entry<T> | null | undefined): e is Entry<T> {
    return e !== undefined && e !== null && this.now().getTime() - e.at < this.ttlMs;
  }

  propertiesOf(object: string, stage: Stage, signal: AbortSignal): Promise<Property[]> {
    const key = object.toLowerCase();
    const cached = this.properties.get(key);
    if (this.fresh(cached)) return cached.p;
    const path = `/crm/v3/properties/${object}`;
    const p = this.client.call(stage, { method: 'GET', path, qs: { archived: 'false' } }, signal).then((raw) => {
      const parsed = propertiesSchema.safeParse(raw);
      if (!parsed.success) throw malformed(path, describeIssues(parsed.error));
      return parsed.data.results;
    });
    p.catch(() => this.properties.delete(key));
    this.properties.set(key, { at: this.now().getTime(), p });
    return p;
  }

  pipelines(stage: Stage, signal: AbortSignal): Promise<Pipeline[]> {
    if (this.fresh(this.pipelinesEntry)) return this.pipelinesEntry.p;
    const path = '/crm/v3/pipelines/deals';
    const p = this.client.call(stage, { method: 'GET', path }, signal).then((raw) => {
      const parsed = pipelinesSchema.safeParse(raw);
      if (!parsed.success) throw malformed(path, describeIssues(parsed.error));
      return parsed.data.results;
    });
    p.catch(() => { this.pipelinesEntry = null; });
    this.pipelinesEntry = { at: this.now().getTime(), p };
    return p;
  }

  /** The mapping's pipeline and its stage ids, or null when the account has no such pipeline (run setup). */
  async resolve(m: OpportunityMapping, stage: Stage, signal: AbortSignal): Promise<ResolvedPipeline | null> {
    const pipeline = findPipeline(await this.pipelines(stage, signal), m.pipeline);
    if (pipeline === undefined) return null;
    const stageIds = new Map<string, string>();
    for (const [canonical, name] of Object.entries(m.stages)) {
      const s = pipeline.stages.find((x) => x.id === name) ?? pipeline.stages.find((x) => x.label.toLowerCase() === name.toLowerCase());
      if (s !== undefined) stageIds.set(canonical, s.id);
    }
    return { pipeline, stageIds };
  }

  forget(): void {
    this.properties.clear();
    this.pipelinesEntry = null;
  }
}

export function findPipeline(all: readonly Pipeline[], name: string | null): Pipeline | undefined {
  if (name === null) return undefined;
  return all.find((p) => p.id === name) ?? all.find((p) => p.label.toLowerCase() === name.toLowerCase());
}
