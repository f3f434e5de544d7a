// Sets of normalised texts (products, certifications, attribute values) over one vocabulary, as rows of bits:
// partner i holds text t iff bit t of row i is set. Built once per prepared matcher; a lead's texts are looked up
// once per match call, so a per-partner membership test is a typed-array read instead of a string Set lookup.
// Vocabularies too large for dense rows (more than MAX_WORDS words over all partners) keep using the Sets.

const MAX_WORDS = 1 << 22; // 16 MB of rows at most per vocabulary

/** A lead's texts against one vocabulary: their ids (−1: no partner holds it). Distinct texts in, distinct out. */
export interface TextQuery {
  readonly texts: readonly string[];
  readonly ids: Int32Array;
  /** How many of the texts some partner holds (the others never count). */
  readonly known: number;
}

export class TextBits {
  private readonly ids = new Map<string, number>();
  private readonly words: number;
  /** null: vocabulary too large for dense rows; `sets` answer instead. */
  private readonly bits: Uint32Array | null;

  constructor(private readonly sets: ReadonlyArray<ReadonlySet<string>>) {
    for (const s of sets) for (const t of s) if (!this.ids.has(t)) this.ids.set(t, this.ids.size);
    this.words = Math.max(1, Math.ceil(this.ids.size / 32));
    this.bits = sets.length * this.words > MAX_WORDS ? null : new Uint32Array(sets.length * this.words);
    if (this.bits !== null) {
      for (let i = 0; i < sets.length; i++) {
        for (const t of sets[i]!) {
          const id = this.ids.get(t)!;
          this.bits[i * this.words + (id >>> 5)]! |= 1 << (id & 31);
        }
      }
    }
  }

  query(texts: readonly string[]): TextQuery {
    const ids = new Int32Array(texts.length);
    let known = 0;
    for (let k = 0; k < texts.length; k++) {
      const id = this.ids.get(texts[k]!) ?? -1;
      ids[k] = id;
      if (id >= 0) known++;
    }
    return { texts, ids, known };
  }

  /** Whether row `i` holds the query's k-th text. */
  has(i: number, q: TextQuery, k: number): boolean {
    const id = q.ids[k]!;
    if (id < 0) return false;
    const bits = this.bits;
    if (bits === null) return this.sets[i]!.has(q.texts[k]!);
    return (bits[i * this.words + (id >>> 5)]! & (1 << (id & 31))) !== 0;
  }

  /** How many of the query's texts row `i` holds. */
  count(i: number, q: TextQuery): number {
    if (q.known === 0) return 0;
    const ids = q.ids;
    const bits = this.bits;
    let n = 0;
    if (bits === null) {
      const set = this.sets[i]!;
      for (let k = 0; k < ids.length; k++) if (ids[k]! >= 0 && set.has(q.texts[k]!)) n++;
      return n;
    }
    const row = i * this.words;
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      if (id >= 0 && (bits[row + (id >>> 5)]! & (1 << (id & 31))) !== 0) n++;
    }
    return n;
  }
}
