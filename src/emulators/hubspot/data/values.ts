// Property values on the wire are strings. Writes accept strings, numbers and booleans; they are normalised here
// (datetimes to ISO-8601 with milliseconds, dates to YYYY-MM-DD, bools to "true"/"false") and validated against the
// property definition. Failures use HubSpot's PropertyValidationResult shape:
// {"isValid":false,"message","error":"INVALID_OPTION|PROPERTY_DOESNT_EXIST|...","name"}.
// https://developers.hubspot.com/docs/guides/api/crm/properties#property-type-and-fieldtype-values
import type { PropertyDef } from '../types.ts';

export interface PropertyIssue {
  isValid: false;
  message: string;
  error: string;
  name: string;
  localizedErrorMessage: string;
  portalId: number;
}

export type Normalized = { value: string } | { issue: Omit<PropertyIssue, 'portalId'> };

const issue = (name: string, error: string, message: string): Normalized =>
  ({ issue: { isValid: false, message, error, name, localizedErrorMessage: message } });

export const propertyDoesntExist = (name: string): Normalized =>
  issue(name, 'PROPERTY_DOESNT_EXIST', `Property "${name}" does not exist`);

export const readOnlyValue = (name: string): Normalized =>
  issue(name, 'READ_ONLY_VALUE', `Property "${name}" is a read only property; its value cannot be set.`);

const NUMBER_RE = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const ISO_RE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const DAY_MS = 86_400_000;

/** Epoch ms of a datetime input (ms number, digit string or ISO-8601), or undefined. */
export function toEpochMs(raw: unknown): number | undefined {
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? undefined : raw.getTime();
  if (typeof raw === 'number') return Number.isFinite(raw) ? Math.trunc(raw) : undefined;
  if (typeof raw !== 'string') return undefined;
  const s = raw.trim();
  if (/^-?\d+$/.test(s)) return Number(s);
  if (!ISO_RE.test(s)) return undefined;
  const ms = Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s);
  return Number.isNaN(ms) ? undefined : ms;
}

export const isoMs = (ms: number): string => new Date(ms).toISOString();

/** HubSpot prints the allowed options as protobuf text: `[label: "Lead"\nvalue: "lead"\n..., label: ...]`. */
function optionDump(o: { label: string; value: string; displayOrder?: number; hidden?: boolean }): string {
  return `label: ${JSON.stringify(o.label)}\nvalue: ${JSON.stringify(o.value)}\ndisplay_order: ${o.displayOrder ?? -1}\nhidden: ${o.hidden ?? false}\nread_only: false\n`;
}

export function invalidOptionMessage(value: string, options: ReadonlyArray<{ label: string; value: string; displayOrder?: number; hidden?: boolean }>): string {
  return `${value} was not one of the allowed options: [${options.map(optionDump).join(', ')}]`;
}

/** Normalises one written value (empty string or null clears: `{ value: '' }`). */
export function normalizeValue(def: PropertyDef, raw: unknown): Normalized {
  const name = def.name;
  if (raw === null || raw === undefined || raw === '') return { value: '' };
  if (typeof raw === 'object' && !(raw instanceof Date)) return issue(name, 'INVALID_PROPERTY_VALUE', `${JSON.stringify(raw)} is not a valid value for property ${name}`);
  const text = raw instanceof Date ? raw.toISOString() : typeof raw === 'string' ? raw : JSON.stringify(raw);
  switch (def.type) {
    case 'number': {
      const t = text.trim();
      if (!NUMBER_RE.test(t)) return issue(name, 'INVALID_FLOAT', `${text} was not a valid number.`);
      return { value: t.replace(/^\+/, '') };
    }
    case 'datetime': {
      const ms = toEpochMs(raw);
      if (ms === undefined) return issue(name, 'INVALID_DATE', `${text} was not a valid date/time: use epoch milliseconds or an ISO 8601 timestamp.`);
      return { value: isoMs(ms) };
    }
    case 'date': {
      // Date properties store midnight UTC; any other time of day is rejected with this well-known message.
      const ms = toEpochMs(raw);
      if (ms === undefined) return issue(name, 'INVALID_DATE', `${text} was not a valid date: use YYYY-MM-DD or midnight UTC in epoch milliseconds.`);
      const rem = ((ms % DAY_MS) + DAY_MS) % DAY_MS;
      if (rem !== 0) {
        const d = new Date(rem);
        return issue(name, 'INVALID_DATE', `${text} is at ${d.getUTCHours()}:${d.getUTCMinutes()}:${d.getUTCSeconds()}.${d.getUTCMilliseconds()} UTC, not midnight!`);
      }
      return { value: isoMs(ms).slice(0, 10) };
    }
    case 'bool': {
      const t = text.trim().toLowerCase();
      if (t !== 'true' && t !== 'false') return issue(name, 'INVALID_BOOLEAN', `${text} was not a valid boolean: use true or false.`);
      return { value: t };
    }
    case 'enumeration': {
      if (def.externalOptions === true) return { value: text };
      const options = def.options ?? [];
      const values = def.fieldType === 'checkbox' ? text.split(';').filter((v) => v !== '') : [text];
      for (const v of values) {
        if (!options.some((o) => o.value === v)) {
          return issue(name, 'INVALID_OPTION', invalidOptionMessage(v, options));
        }
      }
      return { value: values.join(';') };
    }
    default:
      if (text.length > 65_536) return issue(name, 'INVALID_PROPERTY_VALUE', `Property "${name}" is limited to 65536 characters.`);
      return { value: text };
  }
}

/** Value for a seeded record: like normalizeValue but throwing, for the test back door. */
export function seedValue(def: PropertyDef, raw: unknown): string {
  const n = normalizeValue(def, raw);
  if ('issue' in n) throw new Error(`hubspot emulator: ${n.issue.message}`);
  return n.value;
}

/** "Property values were not valid: [...]": the message of a 400 VALIDATION_ERROR for property issues. */
export function propertyIssuesMessage(issues: PropertyIssue[]): string {
  return `Property values were not valid: ${JSON.stringify(issues)}`;
}
