/**
 * Deterministic identifiers, so two replays of the same plan and scenario print the same
 * request ids, instance ids and endpoints (a replay's output can be diffed).
 */

/** 32-bit FNV-1a hash of a string. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

const digests = new Map<string, string>();

/**
 * `length` lowercase hex digits derived from `text`. Memoised: resource shapes are rebuilt on
 * every describe, with the same ids each time.
 */
export function hexDigest(text: string, length: number): string {
  const key = `${length}:${text}`;
  const known = digests.get(key);
  if (known !== undefined) return known;
  let out = '';
  for (let round = 0; out.length < length; round++)
    out += fnv1a(`${round}:${text}`).toString(16).padStart(8, '0');
  const digest = out.slice(0, length);
  if (digests.size < 100_000) digests.set(key, digest);
  return digest;
}

/** `length` characters of [a-z0-9] derived from `text` (RDS endpoint hashes look like this). */
export function base36Digest(text: string, length: number): string {
  let out = '';
  for (let round = 0; out.length < length; round++) out += fnv1a(`${round}:${text}`).toString(36);
  return out.slice(0, length);
}

/** A UUID-shaped (version 4 layout) id from a name, e.g. for request and message ids. */
export function uuidFrom(text: string): string {
  const hex = hexDigest(text, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Mulberry32: a tiny seeded PRNG with good enough spread for fault injection. Returns [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Waits on the (possibly fake) timer; `setTimeout` is looked up per call so fake timers apply. */
export const sleep = (ms: number): Promise<void> =>
  ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
