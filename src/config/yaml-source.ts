// Parse a YAML file keeping positions, so every later problem (schema, cross-check, interpolation) can name the
// line it comes from. yaml's LineCounter turns node offsets into lines: https://eemeli.org/yaml/#linecounter
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node } from 'yaml';
import type { ConfigIssue, PathSegment } from './issues.ts';

export interface YamlSource {
  /** The name issues use for this file (as given, or relative to a display base). */
  readonly file: string;
  /** The plain value (maps → objects, keys as strings); undefined when the file has syntax errors. */
  readonly value: unknown;
  readonly syntaxIssues: readonly ConfigIssue[];
  /**
   * The line of the node at `path`, or of the nearest existing parent's key when it is missing.
   * `key: true` gives the line of the key itself (for "unknown key" issues).
   */
  lineAt(path: readonly PropertyKey[], opts?: { key?: boolean }): number | null;
}

export function parseYamlSource(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  // uniqueKeys: a duplicated key silently overriding the first is a classic config mistake; make it an error.
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const lineOf = (offset: number): number => lineCounter.linePos(offset).line;
  const syntaxIssues: ConfigIssue[] = doc.errors.map((e) => ({
    file,
    line: e.linePos?.[0].line ?? null,
    path: '',
    // prettyErrors appends a code excerpt after a blank line; keep the first sentence only.
    message: `YAML syntax error: ${(e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`,
    hint: yamlHint(e.code),
  }));
  const value = syntaxIssues.length > 0 ? undefined : doc.toJS({ maxAliasCount: 100 });
  return { file, value, syntaxIssues, lineAt: (path, opts) => locate(doc, path, opts?.key === true, lineOf) };
}

function yamlHint(code: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'each key may appear once in a map; remove or merge the duplicate';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
      return 'check indentation (spaces, not tabs) and closing quotes or brackets';
    case 'TAB_AS_INDENT':
      return 'indent with spaces, not tabs';
    default:
      return 'fix the YAML syntax; quote values that contain ": " or start with a special character';
  }
}

function locate(doc: Document, path: readonly PropertyKey[], wantKey: boolean, lineOf: (offset: number) => number): number | null {
  let node: unknown = doc.contents;
  // The line of the last key we walked through: the best place for "missing key here" issues.
  let lastKeyLine: number | null = null;
  const startLine = (n: unknown): number | null => {
    const range = (n as Node | null)?.range;
    return range ? lineOf(range[0]) : null;
  };
  for (let i = 0; i < path.length; i++) {
    const seg = path[i] as PathSegment;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(seg));
      if (pair === undefined) return lastKeyLine ?? startLine(node);
      const keyLine = startLine(pair.key);
      if (last && wantKey) return keyLine;
      lastKeyLine = keyLine;
      node = pair.value;
      // `key:` with no value has a null node; the key line is where it lives.
      if (node === null) return keyLine;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) return lastKeyLine ?? startLine(node);
      // A list item's first line stands in for a key: "missing key" issues inside it point there.
      lastKeyLine = startLine(item) ?? lastKeyLine;
      node = item;
    } else {
      return lastKeyLine ?? startLine(node);
    }
  }
  return startLine(node) ?? lastKeyLine;
}

function keyText(key: unknown): string | null {
  if (isScalar(key)) return String(key.value);
  return null;
}
