// `${NAME}` and `${NAME:-default}` in string values, from the environment passed in (this module never touches
// process.env itself). Secrets belong in the environment (CONVENTIONS rule 4): a variable that is unset or empty,
// without a default, makes the whole value null, so credentials stay optional until a command needs them.
// `$${` writes a literal `${`. Which keys came from the environment is recorded so they are never printed.
import { dottedPath } from './issues.ts';

export interface Interpolated {
  readonly value: unknown;
  /** Dotted key path → the variable names its value was built from. */
  readonly envRefs: Readonly<Record<string, readonly string[]>>;
  readonly problems: ReadonlyArray<{ readonly path: readonly PropertyKey[]; readonly message: string; readonly hint: string }>;
}

const reference = /\$\$\{|\$\{([^}]*)(\})?/g;
const inner = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;

export function interpolate(root: unknown, env: Readonly<Record<string, string | undefined>>): Interpolated {
  const envRefs: Record<string, string[]> = {};
  const problems: Array<Interpolated['problems'][number]> = [];

  const resolveString = (s: string, path: readonly PropertyKey[]): string | null => {
    if (!s.includes('${')) return s;
    const names: string[] = [];
    let unset = false;
    const out = s.replace(reference, (match, body: string | undefined, close: string | undefined) => {
      if (match === '$${') return '${';
      const m = close === undefined ? null : inner.exec(body ?? '');
      if (m === null) {
        problems.push({ path, message: `bad environment reference '${match.slice(0, 40)}'`, hint: 'write ${NAME} or ${NAME:-default}; NAME is letters, digits and _; write $${ for a literal ${' });
        return match;
      }
      const name = m[1] ?? '';
      names.push(name);
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (m[2] !== undefined) return m[2];
      unset = true;
      return '';
    });
    if (names.length > 0) envRefs[dottedPath(path)] = names;
    return unset ? null : out;
  };

  const walk = (v: unknown, path: readonly PropertyKey[]): unknown => {
    if (typeof v === 'string') return resolveString(v, path);
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, i]));
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, [...path, k])]));
    }
    return v;
  };

  return { value: walk(root, []), envRefs, problems };
}
