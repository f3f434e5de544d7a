// Deal pipelines (`/crm/v3/pipelines/deals`): the account starts with HubSpot's "Sales Pipeline" (id `default`) and its
// seven stages; deals must name a pipeline and one of its stages. Stage metadata values are strings, as on the wire.
// https://developers.hubspot.com/docs/guides/api/crm/pipelines
import type { PipelineDef, PipelineStageDef } from '../types.ts';

const stage = (id: string, label: string, displayOrder: number, probability: string, isClosed = false): PipelineStageDef =>
  ({ id, label, displayOrder, metadata: { isClosed: String(isClosed), probability } });

export function defaultPipelines(): PipelineDef[] {
  return [{
    id: 'default', label: 'Sales Pipeline', displayOrder: 0,
    stages: [
      stage('appointmentscheduled', 'Appointment Scheduled', 0, '0.2'),
      stage('qualifiedtobuy', 'Qualified To Buy', 1, '0.4'),
      stage('presentationscheduled', 'Presentation Scheduled', 2, '0.6'),
      stage('decisionmakerboughtin', 'Decision Maker Bought-In', 3, '0.8'),
      stage('contractsent', 'Contract Sent', 4, '0.9'),
      stage('closedwon', 'Closed Won', 5, '1.0', true),
      stage('closedlost', 'Closed Lost', 6, '0.0', true),
    ],
  }];
}

interface Stamped<T> {
  def: T;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
}

export class Pipelines {
  private readonly byId = new Map<string, Stamped<PipelineDef>>();
  private readonly stageStamps = new Map<string, { createdAt: number; updatedAt: number }>();
  private nextId = 1_000_001;

  constructor(private readonly now: () => number) {
    const t = now();
    for (const p of defaultPipelines()) this.put(p, t);
  }

  private put(p: PipelineDef, t: number): void {
    this.byId.set(p.id, { def: p, createdAt: t, updatedAt: t, archived: false });
    for (const s of p.stages) this.stageStamps.set(`${p.id}/${s.id}`, { createdAt: t, updatedAt: t });
  }

  newId(): string {
    return String(this.nextId++);
  }

  list(includeArchived = false): PipelineDef[] {
    return [...this.byId.values()].filter((p) => includeArchived || !p.archived).map((p) => p.def);
  }

  get(id: string): PipelineDef | undefined {
    const p = this.byId.get(id);
    return p && !p.archived ? p.def : undefined;
  }

  stage(pipelineId: string, stageId: string): PipelineStageDef | undefined {
    return this.get(pipelineId)?.stages.find((s) => s.id === stageId);
  }

  /** The pipeline a stage id belongs to (stage ids are unique across an account's deal pipelines). */
  pipelineOfStage(stageId: string): PipelineDef | undefined {
    return this.list().find((p) => p.stages.some((s) => s.id === stageId));
  }

  create(p: PipelineDef): PipelineDef {
    this.put(p, this.now());
    return p;
  }

  replace(p: PipelineDef): PipelineDef {
    const prev = this.byId.get(p.id);
    this.put(p, this.now());
    const cur = this.byId.get(p.id);
    if (prev && cur) cur.createdAt = prev.createdAt;
    return p;
  }

  touch(pipelineId: string, stageId?: string): void {
    const t = this.now();
    const p = this.byId.get(pipelineId);
    if (p) p.updatedAt = t;
    if (stageId !== undefined) {
      const s = this.stageStamps.get(`${pipelineId}/${stageId}`);
      if (s) s.updatedAt = t;
      else this.stageStamps.set(`${pipelineId}/${stageId}`, { createdAt: t, updatedAt: t });
    }
  }

  archive(id: string): void {
    const p = this.byId.get(id);
    if (p) p.archived = true;
  }

  stageToWire(pipelineId: string, s: PipelineStageDef): Record<string, unknown> {
    const st = this.stageStamps.get(`${pipelineId}/${s.id}`) ?? { createdAt: 0, updatedAt: 0 };
    return {
      label: s.label, displayOrder: s.displayOrder, metadata: { ...s.metadata }, id: s.id,
      createdAt: new Date(st.createdAt).toISOString(), updatedAt: new Date(st.updatedAt).toISOString(), archived: false,
      writePermissions: 'CRUD_ALL',
    };
  }

  toWire(id: string): Record<string, unknown> | undefined {
    const p = this.byId.get(id);
    if (!p) return undefined;
    return {
      label: p.def.label, displayOrder: p.def.displayOrder, id: p.def.id,
      stages: [...p.def.stages].sort((a, b) => a.displayOrder - b.displayOrder).map((s) => this.stageToWire(p.def.id, s)),
      createdAt: new Date(p.createdAt).toISOString(), updatedAt: new Date(p.updatedAt).toISOString(), archived: p.archived,
    };
  }
}
