// Render a match (and a qualification) as plain-text tables for `leadrelay explain` and `simulate`. Pure string
// work over the stored explanation; the CLI prints it, the web client renders the same data as HTML.
import type { Reason } from '../domain/lead.ts';
import type { MatchResult } from './match.ts';

export interface ExplainOptions {
  /** Candidates shown in the score table (default 10). */
  readonly top?: number;
  /** Candidates whose notes are printed under the table (default 3). */
  readonly notesFor?: number;
}

function table(rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number>): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd());
}

export function renderMatch(result: MatchResult, opts: ExplainOptions = {}): string {
  const top = opts.top ?? 10;
  const notesFor = opts.notesFor ?? 3;
  const out: string[] = [];
  const shown = result.candidates.slice(0, top);
  out.push(`Candidates: ${result.passed} passed every filter; ${shown.length} shown, best first.`);
  if (shown.length > 0) {
    const criteria = shown[0]!.contributions.map((c) => c.criterion);
    const header = ['#', 'partner', 'level', 'score', ...criteria];
    const rows = shown.map((c, i) => [
      String(i + 1), c.partnerId, c.level ?? '-', c.score.toFixed(1),
      ...criteria.map((name) => c.contributions.find((x) => x.criterion === name)?.points.toFixed(1) ?? '-'),
    ]);
    out.push(...table([header, ...rows], new Set([0, 3, ...criteria.map((_, i) => i + 4)])));
    out.push('(criterion columns: points = weight × value / sum of weights × 100)');
    for (const c of shown.slice(0, notesFor)) {
      out.push('', `${c.partnerId}:`);
      out.push(...table(c.contributions.map((x) => [`  ${x.criterion}`, `${x.weight} ×`, x.value.toFixed(2), '=', x.points.toFixed(1), x.note]), new Set([1, 2, 4])));
    }
  }
  if (result.widened.length > 0) {
    out.push('', `Widened: ${result.widened.map((w) => `${w.step} → ${w.candidates} candidates`).join('; ')}.`);
  }
  out.push('', `Excluded: ${result.excluded.length} partner${result.excluded.length === 1 ? '' : 's'}; ${result.outsideArea} outside the lead's area.`);
  if (result.excluded.length > 0) out.push(...table(result.excluded.map((e) => [`  ${e.filter}`, e.partnerId, e.message]), new Set()));
  return out.join('\n');
}

export function renderReasons(reasons: readonly Reason[]): string {
  return table(reasons.map((r) => [r.outcome ?? '', r.rule, r.message]), new Set()).join('\n');
}
