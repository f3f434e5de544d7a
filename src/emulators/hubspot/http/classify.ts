// Which call kind a request is, for call accounting and fault matching (see CallKind in types.ts).
import type { FaultKind } from '../types.ts';

const BATCH: Record<string, FaultKind> = {
  read: 'batchRead', create: 'batchCreate', update: 'batchUpdate', upsert: 'batchUpsert', archive: 'batchArchive',
};

export function classify(method: string, path: string): FaultKind {
  if (path.startsWith('/oauth/')) return 'auth';
  const s = path.split('/').filter((x) => x !== '');
  const [root, version, area, , fourth, fifth] = s;
  if (root !== 'crm') return 'other';
  if (version === 'v4') return 'associations';
  if (version !== 'v3') return 'other';
  if (area === 'properties') return 'properties';
  if (area === 'pipelines') return 'pipelines';
  if (area === 'associations') return 'associations';
  if (area !== 'objects') return 'other';
  if (fourth === undefined) return method === 'GET' ? 'list' : 'object';
  if (fourth === 'search') return 'search';
  if (fourth === 'merge') return 'merge';
  if (fourth === 'batch') return BATCH[fifth ?? ''] ?? 'other';
  if (fifth === 'associations') return 'associations';
  return 'object';
}
