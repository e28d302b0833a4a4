/**
 * Seeded randomness. Everything in this package draws from here so that one seed always gives the
 * same school and the same archive, on every machine and Node version (Math.random is never used).
 */

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const HEX = '0123456789abcdef';
const DIGITS = '0123456789';

/** Mixes a 32-bit value; used to derive independent seeds and per-index hashes. */
export function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A stable hash of a few integers to [0, 1): for values that must not depend on generation order. */
export function hashUnit(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) h = mix32(h ^ mix32(p | 0));
  return h / 4294967296;
}

/** sfc32: small, fast, passes PractRand far beyond what a demo needs. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = 0) {
    this.a = mix32(seed ^ 0x2545f491);
    this.b = mix32(seed + 0x6a09e667 + stream);
    this.c = mix32(Math.imul(stream + 1, 0x3c6ef372) ^ seed);
    this.d = 1;
    for (let i = 0; i < 15; i++) this.next();
  }

  /** Uniform unsigned 32-bit integer. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [lo, hi] (both inclusive). */
  range(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)] as T;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.float());
  }

  /** Fisher–Yates in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }

  base64(n: number): string {
    return this.fromAlphabet(BASE64URL, n);
  }

  /** Alphanumeric only: WeCom external ids use letters, digits, '-' and '_' but mostly letters and digits. */
  alnum(n: number): string {
    return this.fromAlphabet(BASE64URL.slice(0, 62), n);
  }

  hex(n: number): string {
    return this.fromAlphabet(HEX, n);
  }

  digits(n: number): string {
    return this.fromAlphabet(DIGITS, n);
  }

  private fromAlphabet(alphabet: string, n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet[Math.floor(this.float() * alphabet.length)];
    return out;
  }
}

const HALF = 2 ** 18;

/**
 * A bijection on [0, 2^36): a small Feistel network. Sequential numbers come out looking random but never
 * collide, so ids built from them stay unique without a look-up set.
 */
export function scramble36(value: number): number {
  let l = Math.floor(value / HALF) % HALF;
  let r = value % HALF;
  for (let round = 0; round < 3; round++) {
    const next = l ^ (mix32(r + round * 0x9e37) & (HALF - 1));
    l = r;
    r = next;
  }
  return l * HALF + r;
}

/** Encodes a non-negative integer in base64url with a fixed width, so ids built from it stay unique. */
export function encodeFixed(value: number, width: number): string {
  let out = '';
  let v = value;
  for (let i = 0; i < width; i++) {
    out = BASE64URL[v % 64] + out;
    v = Math.floor(v / 64);
  }
  return out;
}

/**
 * Walker/Vose alias table: O(1) weighted sampling, which matters because the archive draws several
 * weighted choices per record and must stay fast at millions of records.
 */
export class AliasTable {
  private readonly prob: Float64Array;
  private readonly alias: Uint32Array;
  readonly size: number;

  constructor(weights: readonly number[]) {
    const n = weights.length;
    if (n === 0) throw new Error('AliasTable needs at least one weight');
    const total = weights.reduce((s, w) => s + Math.max(0, w), 0);
    if (!(total > 0)) throw new Error('AliasTable needs a positive total weight');
    this.size = n;
    this.prob = new Float64Array(n);
    this.alias = new Uint32Array(n);
    const scaled = weights.map((w) => (Math.max(0, w) * n) / total);
    const small: number[] = [];
    const large: number[] = [];
    scaled.forEach((p, i) => (p < 1 ? small : large).push(i));
    while (small.length > 0 && large.length > 0) {
      const s = small.pop() as number;
      const l = large.pop() as number;
      this.prob[s] = scaled[s] as number;
      this.alias[s] = l;
      const rest = (scaled[l] as number) + (scaled[s] as number) - 1;
      scaled[l] = rest;
      (rest < 1 ? small : large).push(l);
    }
    for (const i of large) this.prob[i] = 1;
    for (const i of small) this.prob[i] = 1;
  }

  sample(rng: Rng): number {
    const x = rng.float() * this.size;
    const i = Math.floor(x);
    return x - i < (this.prob[i] as number) ? i : (this.alias[i] as number);
  }
}

/** A weighted choice among values, built once from a `{value: weight}` list. */
export class WeightedChoice<T> {
  private readonly table: AliasTable;
  private readonly values: readonly T[];

  constructor(entries: readonly (readonly [T, number])[]) {
    this.values = entries.map(([v]) => v);
    this.table = new AliasTable(entries.map(([, w]) => w));
  }

  sample(rng: Rng): T {
    return this.values[this.table.sample(rng)] as T;
  }
}

/** Zipf weights 1/rank^s: a few items very common, most rare — how words and chat activity behave. */
export function zipfWeights(n: number, s = 1): number[] {
  const out: number[] = [];
  for (let r = 1; r <= n; r++) out.push(1 / Math.pow(r, s));
  return out;
}
