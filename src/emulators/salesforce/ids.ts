// Salesforce record ids: 15 case-sensitive characters (3-char key prefix, 2-char instance, 1 reserved, 9-char
// base62 counter) plus a 3-character suffix that encodes which of the 15 characters are upper case, so the 18-char
// form is case-insensitive. Algorithm: https://help.salesforce.com/s/articleView?id=000385585&type=1

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const ID_CHARS = /^[0-9A-Za-z]{15}([0-9A-Za-z]{3})?$/;

/** The 3-character case-checksum suffix of a 15-character id. */
export function idSuffix(id15: string): string {
  let out = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    out += SUFFIX[bits] ?? 'A';
  }
  return out;
}

export function to18(id15: string): string {
  return id15 + idSuffix(id15);
}

/**
 * Normalises a client-supplied id to its canonical 18-character form, or undefined when it is not an id.
 * Like the real API, a 15-char id is accepted and an 18-char id is matched on its case-sensitive first 15 chars.
 */
export function normalizeId(value: string): string | undefined {
  if (!ID_CHARS.test(value)) return undefined;
  const id15 = value.slice(0, 15);
  if (value.length === 18 && value.slice(15).toUpperCase() !== idSuffix(id15)) return undefined;
  return to18(id15);
}

function base62(n: number, width: number): string {
  let out = '';
  let v = n;
  for (let i = 0; i < width; i++) {
    out = (BASE62[v % 62] ?? '0') + out;
    v = Math.floor(v / 62);
  }
  return out;
}

function startFor(prefix: string): number {
  let h = 7;
  for (let i = 0; i < prefix.length; i++) h = (h * 31 + prefix.charCodeAt(i)) % 1_000_003;
  return 50_000_000 + h * 997;
}

/** Generates ids per key prefix; deterministic per emulator instance so test output is stable. */
export class IdFactory {
  private readonly counters = new Map<string, number>();

  constructor(private readonly instance = '5g') {}

  next(keyPrefix: string): string {
    // Start each prefix at a different, non-zero point so ids look like real ones and ids of different objects
    // do not share their tails (which would hide mixed-up ids in tests).
    const n = (this.counters.get(keyPrefix) ?? startFor(keyPrefix)) + 1;
    this.counters.set(keyPrefix, n);
    return to18(`${keyPrefix}${this.instance}0${base62(n, 9)}`);
  }
}
