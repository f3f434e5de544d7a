// One shape for every problem found in a config or mapping file, so `leadrelay validate` can print them all the
// same way: where (file, line, dotted key path), what is wrong, and what to do about it.

export interface ConfigIssue {
  readonly file: string;
  /** 1-based line in `file`; null when the problem has no place in a file (e.g. a missing mapping file). */
  readonly line: number | null;
  /** Dotted key path, list indexes in brackets: `salesforce.auth.flow`, `qualification.required[3]`. */
  readonly path: string;
  readonly message: string;
  readonly hint: string;
}

export type PathSegment = string | number;

export function dottedPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

/** `file:line path: message (hint)`: one line per issue, stable for logs and tests. */
export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line === null ? issue.file : `${issue.file}:${issue.line}`;
  const path = issue.path === '' ? '' : ` ${issue.path}:`;
  return `${where}${path} ${issue.message}${issue.hint === '' ? '' : ` (${issue.hint})`}`;
}

/** File order, then line order: the order a person fixes them in. */
export function sortIssues<T extends ConfigIssue>(issues: readonly T[]): T[] {
  return [...issues].sort((a, b) => (a.file === b.file ? (a.line ?? 0) - (b.line ?? 0) : a.file < b.file ? -1 : 1));
}
