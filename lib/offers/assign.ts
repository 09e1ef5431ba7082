import { mixKey, stream } from "@/lib/models/prng";

/*
 * Frozen, seeded, stratified random assignment of an offer's audience (docs/offers.md,
 * "Assignment"). Pure. Within each stratum the customers (sorted by id, so the input order does
 * not matter) are shuffled by Fisher–Yates (Knuth, TAOCP vol. 2, Algorithm 3.4.2 P) on a sfc32
 * stream keyed by (seed, stratum); the first ⌊holdout · n + carry⌉ go to the holdout (control),
 * with the rounding remainder carried from stratum to stratum so the overall share is exact to
 * one customer, and the rest alternate between the variants. Stratifying on the pre-period bands
 * balances the arms on what predicts the outcome (Kohavi, Tang & Xu 2020, Trustworthy Online
 * Controlled Experiments, ch. 18 "Variance estimation": stratification / post-stratification).
 */

/** Arm numbers: 0 = holdout (control), 1 = variant A, 2 = variant B. */
export type Arm = 0 | 1 | 2;

/** A customer to assign. */
export interface AssignInput {
  customerId: number;
  stratum: string;
}

/** One customer's frozen arm. */
export interface Assignment extends AssignInput {
  arm: Arm;
}

const STREAM_ASSIGN = 0x61737367; // "assg"

/** FNV-1a of a string, 32 bits: the stratum's stream key. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Assigns every customer to the holdout or a variant.
 * @param holdoutShare share of the audience held out, in (0, 1) (the product's default 0.15)
 * @param variants 1 or 2 treatment variants
 * @param seed 32-bit seed stored with the offer: the same inputs give the same assignment
 * @returns assignments sorted by (stratum, customerId)
 * @throws RangeError on a share outside (0, 1), variants not 1 or 2, or a duplicate customer
 */
export function assignArms(customers: readonly AssignInput[], holdoutShare: number, variants: 1 | 2, seed: number): Assignment[] {
  if (!(holdoutShare > 0 && holdoutShare < 1)) throw new RangeError(`assignArms: holdout share must be in (0, 1), got ${holdoutShare}`);
  if (variants !== 1 && variants !== 2) throw new RangeError(`assignArms: 1 or 2 variants, got ${String(variants)}`);
  const byStratum = new Map<string, number[]>();
  const seen = new Set<number>();
  for (const c of customers) {
    if (seen.has(c.customerId)) throw new RangeError(`assignArms: customer ${c.customerId} appears twice`);
    seen.add(c.customerId);
    const list = byStratum.get(c.stratum) ?? [];
    list.push(c.customerId);
    byStratum.set(c.stratum, list);
  }
  const out: Assignment[] = [];
  let carry = 0;
  for (const stratum of [...byStratum.keys()].sort()) {
    const ids = byStratum.get(stratum)!.sort((a, b) => a - b);
    const rng = stream(seed >>> 0, STREAM_ASSIGN, mixKey(fnv1a(stratum)));
    for (let i = ids.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [ids[i], ids[j]] = [ids[j], ids[i]];
    }
    const exact = holdoutShare * ids.length + carry;
    const holdout = Math.min(ids.length, Math.max(0, Math.round(exact)));
    carry = exact - holdout;
    ids.forEach((customerId, k) => {
      const arm: Arm = k < holdout ? 0 : variants === 1 ? 1 : (((k - holdout) % 2) + 1) as Arm;
      out.push({ customerId, stratum, arm });
    });
  }
  return out.sort((a, b) => (a.stratum < b.stratum ? -1 : a.stratum > b.stratum ? 1 : a.customerId - b.customerId));
}
