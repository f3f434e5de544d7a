// WHERE clause → predicate. soql-parser-js returns conditions as a linked list with open/close parenthesis
// counts; we flatten it to tokens and parse it again with SOQL's rules: NOT binds to the next term, and AND/OR
// may not be mixed at one level without parentheses ("unexpected token: 'OR'").
// https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_conditionexpression.htm
import type { Condition, ConditionWithValueQuery, WhereClause } from 'soql-parser-js';
import { ApiError } from '../http/errors.ts';
import type { Org } from '../org.ts';
import type { SObjectSchema } from '../schema/registry.ts';
import type { Row } from '../data/values.ts';
import { compileCondition } from './condition.ts';
import type { SubqueryRunner } from './condition.ts';

export type Predicate = (row: Row) => boolean;

type Token =
  | { t: '(' } | { t: ')' } | { t: 'NOT' } | { t: 'AND' } | { t: 'OR' }
  | { t: 'COND'; c: ConditionWithValueQuery };

function flatten(clause: WhereClause | undefined, out: Token[]): void {
  let node: WhereClause | undefined = clause;
  while (node) {
    const left = node.left as (Condition & { openParen?: number; closeParen?: number }) | null;
    const op = 'operator' in node ? node.operator : undefined;
    if (op === 'NOT') {
      for (let i = 0; i < (left?.openParen ?? 0); i++) out.push({ t: '(' });
      out.push({ t: 'NOT' });
      node = 'right' in node ? node.right : undefined;
      continue;
    }
    if (left) {
      for (let i = 0; i < (left.openParen ?? 0); i++) out.push({ t: '(' });
      out.push({ t: 'COND', c: left as ConditionWithValueQuery });
      for (let i = 0; i < (left.closeParen ?? 0); i++) out.push({ t: ')' });
    }
    if (op === 'AND' || op === 'OR') out.push({ t: op });
    node = 'right' in node ? node.right : undefined;
  }
}

class TokenParser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly leaf: (c: ConditionWithValueQuery) => Predicate,
  ) {}

  parse(): Predicate {
    const p = this.expr();
    if (this.i < this.tokens.length) throw this.unexpected();
    return p;
  }

  private unexpected(): ApiError {
    const tok = this.tokens[this.i];
    return new ApiError(400, 'MALFORMED_QUERY', `unexpected token: '${tok ? tok.t : 'EOF'}'`);
  }

  private expr(): Predicate {
    const terms = [this.term()];
    let op: 'AND' | 'OR' | undefined;
    for (;;) {
      const tok = this.tokens[this.i];
      if (!tok || (tok.t !== 'AND' && tok.t !== 'OR')) break;
      if (op && tok.t !== op) throw this.unexpected();
      op = tok.t;
      this.i++;
      terms.push(this.term());
    }
    if (terms.length === 1) return terms[0] as Predicate;
    return op === 'OR' ? (row) => terms.some((t) => t(row)) : (row) => terms.every((t) => t(row));
  }

  private term(): Predicate {
    const tok = this.tokens[this.i++];
    if (!tok) throw this.unexpected();
    if (tok.t === 'NOT') {
      const inner = this.term();
      return (row) => !inner(row);
    }
    if (tok.t === '(') {
      const inner = this.expr();
      if (this.tokens[this.i]?.t !== ')') throw this.unexpected();
      this.i++;
      return inner;
    }
    if (tok.t === 'COND') return this.leaf(tok.c);
    this.i--;
    throw this.unexpected();
  }
}

export function compileWhere(org: Org, soql: string, from: SObjectSchema, where: WhereClause,
  runSubquery: SubqueryRunner): Predicate {
  const tokens: Token[] = [];
  flatten(where, tokens);
  return new TokenParser(tokens, (c) => compileCondition(org, soql, from, c, runSubquery)).parse();
}
