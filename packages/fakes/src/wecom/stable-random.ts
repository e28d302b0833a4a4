/** FNV-1a: the same id always gives the same number, so seeded data does not depend on iteration order. */
export function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A number in [min, max] derived from `key`. */
export function stableInt(key: string, min: number, max: number): number {
  return min + (stableHash(key) % (max - min + 1));
}

/** mulberry32: a tiny seeded generator for "fail with probability p" injections that tests can repeat. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
