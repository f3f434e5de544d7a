// Explanation notes are the costliest part of a candidate (number formatting, template strings), yet for a given
// partner they depend on one or two numbers that rarely change between calls (its stats, its distance to the
// lead's area). NoteMemo keeps the note last rendered per partner with the keys it was rendered from and hands
// it out again while the keys are equal (===), so a note is a pure function of (partner, keys), memoised.
// Only ever per compiled criterion, i.e. per prepared matcher, whose views it is indexed by.
import type { PartnerView } from './views.ts';

export class NoteMemo {
  private readonly of: Array<PartnerView | undefined> = [];
  private readonly a: Array<number | string> = [];
  private readonly b: number[] = [];
  private readonly text: string[] = [];

  /** The note rendered for `p` with keys (a, b), if it is the last one rendered for p. */
  get(p: PartnerView, a: number | string, b = 0): string | undefined {
    const i = p.index;
    return this.of[i] === p && this.a[i] === a && this.b[i] === b ? this.text[i] : undefined;
  }

  /** Remember `text` as p's note for keys (a, b); returns it. */
  set(p: PartnerView, a: number | string, b: number, text: string): string {
    const i = p.index;
    // Grown densely (no holes), so the arrays stay in V8's fast element kinds.
    while (this.text.length <= i) {
      this.of.push(undefined);
      this.a.push(NaN);
      this.b.push(NaN);
      this.text.push('');
    }
    this.of[i] = p;
    this.a[i] = a;
    this.b[i] = b;
    this.text[i] = text;
    return text;
  }
}
