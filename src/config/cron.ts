// A small cron syntax check so a typo in `schedule:` fails at start-up with its key path, not when node-cron
// first parses it. 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first, as node-cron
// accepts: https://github.com/node-cron/node-cron#cron-syntax

const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface FieldSpec { readonly name: string; readonly min: number; readonly max: number; readonly names?: readonly string[]; readonly namesFrom?: number }
const fields: readonly FieldSpec[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: months, namesFrom: 1 },
  // 7 is Sunday too, as in most crons.
  { name: 'day of week', min: 0, max: 7, names: days, namesFrom: 0 },
];

function value(token: string, f: FieldSpec): number | null {
  if (/^\d+$/.test(token)) {
    const n = Number(token);
    return n >= f.min && n <= f.max ? n : null;
  }
  const i = f.names?.indexOf(token.toLowerCase().slice(0, 3)) ?? -1;
  return i >= 0 && token.length >= 3 ? i + (f.namesFrom ?? 0) : null;
}

function checkField(text: string, f: FieldSpec): string | null {
  for (const part of text.split(',')) {
    const [range, step, ...rest] = part.split('/');
    if (range === undefined || range === '' || rest.length > 0) return `bad ${f.name} '${text}'`;
    if (step !== undefined && !(/^\d+$/.test(step) && Number(step) > 0)) return `bad step in ${f.name} '${text}'`;
    if (range === '*') continue;
    const [a, b, ...more] = range.split('-');
    if (a === undefined || more.length > 0) return `bad ${f.name} '${text}'`;
    const from = value(a, f);
    const to = b === undefined ? from : value(b, f);
    if (from === null || to === null) return `${f.name} '${text}' is out of range ${f.min}-${f.max}`;
    if (to < from) return `${f.name} range '${range}' runs backwards`;
  }
  return null;
}

/** null when `expr` is a valid 5- or 6-field cron expression, else what is wrong with it. */
export function cronError(expr: string): string | null {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6) return `a cron expression has 5 or 6 fields, this one has ${expr.trim() === '' ? 0 : parts.length}`;
  const specs = parts.length === 6 ? fields : fields.slice(1);
  for (let i = 0; i < parts.length; i++) {
    const err = checkField(parts[i] ?? '', specs[i] as FieldSpec);
    if (err !== null) return err;
  }
  return null;
}
