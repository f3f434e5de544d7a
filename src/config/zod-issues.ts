// zod issues → ConfigIssues with a line and a hint. zod knows *what* is wrong and the key path; the YAML source
// knows *where*; the schema knows which keys would have been right (for "did you mean").
// Values are never echoed except enum-like words (they may be secrets or personal data).
import type { z } from 'zod';
import { dottedPath } from './issues.ts';
import type { ConfigIssue } from './issues.ts';
import { didYouMean, listOf } from './suggest.ts';
import type { YamlSource } from './yaml-source.ts';

type Issue = z.core.$ZodIssue;

interface Def {
  readonly type: string;
  readonly innerType?: Walkable;
  readonly in?: Walkable;
  readonly out?: Walkable;
  readonly shape?: Readonly<Record<string, Walkable>>;
  readonly catchall?: Walkable;
  readonly valueType?: Walkable;
  readonly element?: Walkable;
  readonly options?: readonly Walkable[];
  readonly discriminator?: string;
  readonly values?: readonly unknown[];
  readonly getter?: () => Walkable;
}
interface Walkable { readonly _zod: { readonly def: Def } }

/** Extra hints for issues zod cannot carry one for (e.g. a regex format issue), by message. */
export type HintFor = (issue: Issue) => string | undefined;

export function zodIssuesToConfigIssues(issues: readonly Issue[], source: YamlSource, schema: z.ZodType, hintFor: HintFor = () => undefined): ConfigIssue[] {
  return issues.flatMap((issue) => convert(issue, source, schema, hintFor));
}

function convert(issue: Issue, source: YamlSource, schema: z.ZodType, hintFor: HintFor): ConfigIssue[] {
  const path = issue.path;
  const at = (p: readonly PropertyKey[], message: string, hint: string, key = false): ConfigIssue => ({
    file: source.file, line: source.lineAt(p, { key }), path: dottedPath(p), message, hint,
  });
  const raw = valueAt(source.value, path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = keysAt(schema, path, source.value);
      return issue.keys.map((k) => {
        const suggestion = didYouMean(k, allowed);
        return at([...path, k], `unknown key '${k}'${suggestion}`, allowed.length > 0 ? `allowed keys here: ${listOf(allowed)}` : 'remove it', true);
      });
    }
    case 'invalid_union': {
      if (issue.discriminator !== undefined) {
        const options = ((issue as { options?: readonly unknown[] }).options ?? []).map(String);
        const word = typeof raw === 'string' ? raw : '';
        return [at(path, `${raw === undefined ? 'missing' : 'unknown'} ${issue.discriminator}${word === '' ? '' : ` '${word}'`}${didYouMean(word, options)}`, `use one of: ${options.join(', ')}`)];
      }
      // Report the branch that got furthest: fewest wrong-type-at-the-root issues, then fewest issues.
      const score = (branch: readonly Issue[]): number =>
        branch.filter((i) => i.code === 'invalid_type' && i.path.length === 0).length * 1000 + branch.length;
      const best = [...issue.errors].sort((a, b) => score(a) - score(b))[0];
      if (best === undefined || best.length === 0) return [at(path, 'does not match any allowed form', 'see the JSON Schema for the allowed forms')];
      return best.flatMap((i) => convert({ ...i, path: [...path, ...i.path] }, source, schema, hintFor));
    }
    case 'invalid_type': {
      if (raw === undefined) {
        const key = String(path[path.length - 1] ?? '');
        return [at(path, `missing required key '${key}'`, `add \`${key}:\` here`)];
      }
      const got = kindOf(raw);
      const want = words[issue.expected] ?? issue.expected;
      const hint = issue.expected === 'string' && (got === 'number' || got === 'boolean')
        ? 'quote the value to make it text, e.g. "60.0"'
        : `write ${want}`;
      return [at(path, `expected ${want}, got ${got === 'string' ? 'text' : got}`, hint)];
    }
    case 'invalid_value': {
      const options = issue.values.map(String);
      const word = typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : kindOf(raw);
      return [at(path, `'${word}' is not allowed${didYouMean(word, options)}`, `use one of: ${options.join(', ')}`)];
    }
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const what = issue.origin === 'array' ? 'items' : issue.origin === 'string' ? 'characters' : '';
      const word = issue.code === 'too_small' ? 'at least' : 'at most';
      const strict = issue.inclusive === false ? (issue.code === 'too_small' ? 'more than' : 'less than') : word;
      return [at(path, `must be ${strict} ${String(bound)}${what === '' ? '' : ` ${what}`}`, 'change the value to fit the allowed range')];
    }
    case 'invalid_format':
      return [at(path, issue.message, hintFor(issue) ?? hintFrom(issue) ?? `the value must match the ${issue.format} format`)];
    default:
      return [at(path, issue.message, hintFor(issue) ?? hintFrom(issue) ?? 'see the comments in the file and its JSON Schema')];
  }
}

// zod's type names → the words people use for YAML values.
const words: Readonly<Record<string, string>> = {
  string: 'text', number: 'a number', int: 'a whole number', boolean: 'true or false', array: 'a list', object: 'a map', record: 'a map',
};

function hintFrom(issue: Issue): string | undefined {
  const params = (issue as { params?: { hint?: unknown } }).params;
  return typeof params?.hint === 'string' ? params.hint : undefined;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'map';
  return typeof v === 'number' ? 'number' : typeof v;
}

export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    if (!Object.hasOwn(v, seg)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}

/** The object keys the schema allows at `path` (for suggestions); [] when it is not an object there. */
export function keysAt(schema: Walkable, path: readonly PropertyKey[], input: unknown): string[] {
  let s: Walkable | undefined = unwrap(schema, input);
  let v: unknown = input;
  for (const seg of path) {
    if (s === undefined) return [];
    v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[seg] : undefined;
    const def: Def = s._zod.def;
    if (def.type === 'object') s = def.shape?.[String(seg)] ?? def.catchall;
    else if (def.type === 'record') s = def.valueType;
    else if (def.type === 'array') s = def.element;
    else return [];
    s = s === undefined ? undefined : unwrap(s, v);
  }
  const def = s?._zod.def;
  return def?.type === 'object' && def.shape !== undefined ? Object.keys(def.shape) : [];
}

/** Strip wrappers and pick the union member the input is meant for (by discriminator, else the first object). */
function unwrap(schema: Walkable, input: unknown): Walkable | undefined {
  let s: Walkable | undefined = schema;
  for (let guard = 0; s !== undefined && guard < 50; guard++) {
    const def: Def = s._zod.def;
    if (['default', 'prefault', 'nullable', 'optional', 'readonly', 'catch', 'nonoptional'].includes(def.type)) s = def.innerType;
    // z.preprocess is a pipe from a transform into the real schema: the keys live on the `out` side.
    else if (def.type === 'pipe') s = def.in?._zod.def.type === 'transform' ? def.out : def.in;
    else if (def.type === 'lazy') s = def.getter?.();
    else if (def.type === 'union') s = pickOption(def, input);
    else return s;
  }
  return s;
}

function pickOption(def: Def, input: unknown): Walkable | undefined {
  const options = def.options ?? [];
  const disc = def.discriminator;
  if (disc !== undefined && input !== null && typeof input === 'object') {
    const want = (input as Record<string, unknown>)[disc];
    const hit = options.find((o) => unwrap(o, input)?._zod.def.shape?.[disc]?._zod.def.values?.includes(want));
    if (hit !== undefined) return hit;
  }
  return options.find((o) => unwrap(o, input)?._zod.def.type === 'object') ?? options[0];
}
