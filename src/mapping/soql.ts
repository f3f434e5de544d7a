// Validate `mql` / `track` / `where` as SOQL conditions by parsing `SELECT Id FROM <object> WHERE <cond>`, and
// list the fields they use (setup and the describe check need them).
import * as soqlModule from 'soql-parser-js';

// soql-parser-js ships a webpack CommonJS bundle: Node's ESM loader sees no named exports in it (the API is on
// `default`), while CommonJS interop (tsx eval, bundlers) sees them directly. Accept both.
const soqlParser: Pick<typeof soqlModule, 'parseQuery'> = typeof (soqlModule as Partial<typeof soqlModule>).parseQuery === 'function'
  ? soqlModule
  : (soqlModule as unknown as { default: typeof soqlModule }).default;

export interface ConditionField {
  readonly field: string;
  /** The literal the field is compared with: STRING, BOOLEAN, INTEGER, DECIMAL, DATE, NULL... */
  readonly literalType: string | null;
}

export type ConditionCheck =
  | { readonly ok: true; readonly fields: readonly ConditionField[] }
  | { readonly ok: false; readonly message: string; readonly hint: string };

const clauseKeys = ['limit', 'offset', 'orderBy', 'groupBy', 'having', 'for', 'update', 'withSecurityEnforced', 'withAccessLevel', 'withDataCategory', 'usingScope', 'sObjectAlias'];

export function checkSoqlCondition(object: string, condition: string): ConditionCheck {
  const prefix = `SELECT Id FROM ${object} WHERE `;
  let parsed: Record<string, unknown>;
  try {
    parsed = soqlParser.parseQuery(prefix + condition) as unknown as Record<string, unknown>;
  } catch (e) {
    return { ok: false, message: `not a valid SOQL condition: ${shorten(e, prefix.length)}`, hint: 'write the WHERE clause without WHERE, e.g. Status = \'Open\' AND IsConverted = false; quote text with single quotes' };
  }
  // A condition that smuggles in LIMIT / ORDER BY would break the query leadrelay builds around it.
  const extra = clauseKeys.filter((k) => parsed[k] !== undefined);
  if (extra.length > 0) {
    return { ok: false, message: `a condition may not contain ${extra.map((k) => k.replace(/([A-Z])/g, ' $1').toUpperCase()).join(', ')}`, hint: 'keep only the WHERE condition; leadrelay adds ordering and paging itself' };
  }
  const fields: ConditionField[] = [];
  collect(parsed['where'], fields);
  return { ok: true, fields };
}

function collect(node: unknown, out: ConditionField[]): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const n of node) collect(n, out);
    return;
  }
  const o = node as Record<string, unknown>;
  if (typeof o['field'] === 'string' && typeof o['operator'] === 'string') {
    const lt = o['literalType'];
    out.push({ field: o['field'], literalType: typeof lt === 'string' ? lt : Array.isArray(lt) && typeof lt[0] === 'string' ? lt[0] : null });
  }
  for (const [k, v] of Object.entries(o)) if (k !== 'valueQuery') collect(v, out);
}

/** The parser's messages list every possible token; keep the last line and make offsets condition-relative. */
function shorten(e: unknown, prefixLength: number): string {
  const message = e instanceof Error ? e.message : String(e);
  const last = message.split('\n').filter((l) => l.trim() !== '').at(-1) ?? message;
  const relative = last.replace(/offset: (\d+)/, (_, n: string) => `offset: ${Math.max(0, Number(n) - prefixLength)}`).replace(/ \(\d+:\d+\)$/, '');
  return relative.replace("but found: ''", 'but the condition ended').replace("--> '' <--", 'the end of the condition');
}
