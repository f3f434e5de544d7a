// Reading CSV or JSON record files for `partners import` and `simulate`: one record per row (CSV header = field
// names) or per array element, each with the line it came from so errors can name it.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { UserFacingError } from '../lib/errors.ts';
import { exitCodes } from '../lib/exit-codes.ts';

export interface FileRecord { readonly line: number; readonly values: Record<string, unknown> }

export interface CsvTypes {
  /** Columns holding lists, split by `;`. */
  readonly lists: ReadonlySet<string>;
  readonly numbers: ReadonlySet<string>;
  readonly booleans?: ReadonlySet<string>;
  /** A column `prefix.name` becomes `values[prefix][name]` (e.g. attributes.languages, custom.language). */
  readonly nested?: string;
}

export function readRecords(file: string, types: CsvTypes): FileRecord[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserFacingError(`Cannot read ${file}: ${(e as Error).message}`, exitCodes.invalidInput);
  }
  if (file.endsWith('.json')) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new UserFacingError(`${file}: not valid JSON (${(e as Error).message}).`, exitCodes.invalidInput);
    }
    if (!Array.isArray(data)) throw new UserFacingError(`${file}: expected a JSON array of records.`, exitCodes.invalidInput);
    return data.map((v, i) => ({ line: i + 1, values: v as Record<string, unknown> }));
  }
  const rows: Array<{ record: Record<string, string>; info: { lines: number } }> = parse(text, { columns: true, skip_empty_lines: true, trim: true, info: true });
  return rows.map(({ record, info }) => {
    const values: Record<string, unknown> = {};
    for (const [k, raw] of Object.entries(record)) {
      if (raw === '') continue;
      const value = types.lists.has(k) ? raw.split(';').map((s) => s.trim()).filter((s) => s !== '')
        : types.numbers.has(k) ? Number(raw)
          : types.booleans?.has(k) ? !/^(false|no|0)$/i.test(raw) : raw;
      if (types.nested !== undefined && k.startsWith(`${types.nested}.`)) {
        const bag = (values[types.nested] ?? {}) as Record<string, unknown>;
        bag[k.slice(types.nested.length + 1)] = raw.includes(';') ? raw.split(';').map((s) => s.trim()) : value;
        values[types.nested] = bag;
      } else values[k] = value;
    }
    return { line: info.lines, values };
  });
}
