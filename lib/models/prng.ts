/**
 * Seeded pseudo-random numbers for the synthetic bank.
 *
 * Generator: sfc32, the "Small Fast Counter" generator of Chris Doty-Humphrey's PractRand
 * suite (http://pracrand.sourceforge.net/, `RNGs/sfc.cpp`, 32-bit variant: rotate 21, shift
 * right 9, shift left 3). 128 bits of state, passes PractRand and BigCrush, and needs only
 * 32-bit integer arithmetic, which V8 runs fast. Seeds are expanded with splitmix32 (the 32-bit
 * port of Steele, Lea & Flood's SplitMix, "Fast splittable pseudorandom number generators",
 * OOPSLA 2014, as popularised by bryc/code `jshash/PRNGs.md`).
 *
 * Every random decision of the bank draws from a named stream `(seed, purpose, index)`, so
 * adding a new stream later (a planted campaign, say) never shifts the draws of existing ones.
 */

/** One step of splitmix32 over `state`; returns [next state, output] as unsigned 32-bit ints. */
function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let t = next ^ (next >>> 16);
  t = Math.imul(t, 0x21f0aaad);
  t ^= t >>> 15;
  t = Math.imul(t, 0x735a2d97);
  t ^= t >>> 15;
  return [next, t >>> 0];
}

/** Mixes any number of 32-bit integers into one well-scrambled unsigned 32-bit key. */
export function mixKey(...parts: number[]): number {
  let state = 0x6a09e667;
  for (const part of parts) {
    const [next, out] = splitmix32((state ^ (part | 0)) | 0);
    state = (next ^ out) | 0;
  }
  return splitmix32(state)[1];
}

const TWO_POW_32 = 4294967296;

/**
 * sfc32 stream. `next()` is uniform on the open interval (0, 1) with 32-bit resolution: never
 * exactly 0 or 1, so `Math.log(rng.next())` is always finite.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** The cached second value of Marsaglia's polar pair (see samplers.normal); NaN when empty. */
  spareNormal = Number.NaN;

  constructor(key: number) {
    let s = key | 0;
    let out: number;
    [s, out] = splitmix32(s);
    this.a = out | 0;
    [s, out] = splitmix32(s);
    this.b = out | 0;
    [s, out] = splitmix32(s);
    this.c = out | 0;
    this.d = 1;
    // PractRand's sfc32 seeding discards the first outputs so nearby keys decorrelate.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A generator in the raw sfc32 state (a, b, c, counter d), for comparing with reference code. */
  static fromState(a: number, b: number, c: number, d: number): Rng {
    const rng = new Rng(0);
    rng.a = a | 0;
    rng.b = b | 0;
    rng.c = c | 0;
    rng.d = d | 0;
    return rng;
  }

  /** A uniform unsigned 32-bit integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform on (0, 1): (k + 0.5) / 2^32 for a uniform 32-bit k. */
  next(): number {
    return (this.nextUint32() + 0.5) / TWO_POW_32;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/**
 * The stream for one purpose and one index (customer ordinal, merchant ordinal, ...) and
 * optional sub-index (the MCC of a customer's relationship) under a seed. Streams with
 * different keys are independent for all practical purposes.
 */
export function stream(seed: number, purpose: number, index = 0, sub = 0): Rng {
  return new Rng(mixKey(seed, purpose, index, sub));
}
