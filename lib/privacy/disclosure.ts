import { createHmac, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/*
 * Disclosure control of every figure built from other merchants (wall 2 of ARCHITECTURE.md;
 * docs/adr/0013-release-model-keyed-noise.md, docs/privacy.md). Pure apart from reading the key
 * (PRIVACY_NOISE_KEY, or the demo's .data/privacy-noise-key).
 *
 * 1. **One release per fixed peer group and period.** Callers compute a figure once over the
 *    whole group (every member included), so it is the same for every member and every role:
 *    colluders hold k copies of one number, not k equations.
 * 2. **Keyed, bounded, Laplace-shaped noise.** The released value is x + η · max(|x|, s) — that
 *    is x · (1 + η) for a sum or a mean of non-negative values; s, the mean absolute value of the
 *    inputs, for a mean of signed ones (growth rates) — with η drawn from a
 *    Laplace distribution of scale NOISE_SCALE (Dwork, McSherry, Nissim & Smith, "Calibrating
 *    noise to sensitivity in private data analysis", TCC 2006, the Laplace mechanism) truncated
 *    to ±NOISE_BOUND. The multiplicative form is the noise infusion of establishment magnitude
 *    tables (Evans, Zayatz & Slanta, "Using noise for disclosure limitation of establishment
 *    tabular data", J. Official Statistics 14(4), 1998): a figure of large merchants gets
 *    proportionally as much noise as one of small merchants. The draw is a deterministic
 *    function of HMAC-SHA256(PRIVACY_NOISE_KEY, group | period | field): asking again returns the
 *    same number, so averaging repeated requests gains nothing. A different member set gives a
 *    different key, hence an independent draw.
 * 3. **Coarsening.** Released magnitudes are rounded to 3 significant digits; a merchant's
 *    position among its peers is released as a quarter band, never an exact percentile.
 *
 * The truncation bound is what the attack suite relies on (tests/privacy-attacks): whoever knows
 * every other input of a released figure still only learns the hidden one up to the released
 * value's ±NOISE_BOUND, so a competitor's value cannot be pinned within ±5 %.
 */

/** Scale b of the Laplace noise, relative to the value (0.028 = 2.8 %; median |η| ≈ 1.93 % after truncation). */
export const NOISE_SCALE = 0.028;
/** The noise is truncated to ±NOISE_BOUND of the value (0.15 = 15 %). */
export const NOISE_BOUND = 0.15;
/** Significant digits of a released magnitude. */
export const RELEASE_DIGITS = 3;

/** The fixed key of test runs (NODE_ENV "test" without PRIVACY_NOISE_KEY): reproducible releases. */
const TEST_KEY = "test-only-privacy-noise-key-never-used-outside-vitest";

let cached: { env: string | undefined; key: string } | null = null;

/**
 * The secret noise key: PRIVACY_NOISE_KEY (at least 32 characters; `openssl rand -hex 32`). When
 * it is unset, tests use a fixed key, and the demo (like AUTH_SECRET, lib/auth/secret.ts) reads
 * `.data/privacy-noise-key`, created once with 32 random bytes (mode 0600), so the web server, the
 * worker and the CLI of one checkout release the same numbers. Changing the key changes every
 * released figure once (stored competitor reports should then be recomputed).
 * @throws Error when PRIVACY_NOISE_KEY is shorter than 32 characters, or the key file holds none
 */
function noiseKey(): string {
  const env = process.env.PRIVACY_NOISE_KEY?.trim();
  if (cached && cached.env === env) return cached.key;
  let key: string;
  if (env) {
    if (env.length < 32) throw new Error("PRIVACY_NOISE_KEY must be at least 32 characters (e.g. `openssl rand -hex 32`)");
    key = env;
  } else if (process.env.NODE_ENV === "test") {
    key = TEST_KEY;
  } else {
    const file = path.join(process.cwd(), ".data", "privacy-noise-key");
    fs.mkdirSync(/*turbopackIgnore: true*/ path.dirname(file), { recursive: true });
    try {
      // 'wx' fails when the file exists, so two processes starting at once cannot both write.
      fs.writeFileSync(/*turbopackIgnore: true*/ file, randomBytes(32).toString("hex") + "\n", { flag: "wx", mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    key = fs.readFileSync(/*turbopackIgnore: true*/ file, "utf8").trim();
    if (key.length < 32) throw new Error(`${file} does not hold a key of at least 32 characters; delete it to create a new one`);
  }
  cached = { env, key };
  return key;
}

/**
 * A uniform number in (0, 1) determined by HMAC-SHA256(PRIVACY_NOISE_KEY, parts joined by "|"):
 * the same parts always give the same number; without the key it is unpredictable.
 */
export function keyedUniform(parts: readonly (string | number)[]): number {
  const digest = createHmac("sha256", noiseKey()).update(parts.join("|")).digest();
  // 48 random bits → (0, 1), never exactly 0 or 1.
  return (digest.readUIntBE(0, 6) + 0.5) / 2 ** 48;
}

/** The Laplace(0, b) distribution function. */
function laplaceCdf(x: number, b: number): number {
  return x < 0 ? 0.5 * Math.exp(x / b) : 1 - 0.5 * Math.exp(-x / b);
}

/** Its inverse, for p in (0, 1). */
function laplaceQuantile(p: number, b: number): number {
  return p < 0.5 ? b * Math.log(2 * p) : -b * Math.log(2 * (1 - p));
}

/**
 * The Laplace(0, scale) variate truncated to [−bound, bound] at uniform u ∈ (0, 1) (inverse
 * transform of the truncated distribution function: u is mapped into [F(−bound), F(bound)]).
 * @throws Error when u is outside (0, 1) or scale / bound are not positive
 */
export function truncatedLaplace(u: number, scale: number, bound: number): number {
  if (!(u > 0 && u < 1)) throw new Error(`truncatedLaplace: u must be in (0, 1), got ${u}`);
  if (!(scale > 0) || !(bound > 0)) throw new Error("truncatedLaplace: scale and bound must be positive");
  const lo = laplaceCdf(-bound, scale);
  const hi = laplaceCdf(bound, scale);
  return Math.min(bound, Math.max(-bound, laplaceQuantile(lo + u * (hi - lo), scale)));
}

/** `x` rounded to `digits` significant digits (0 stays 0). */
export function roundSignificant(x: number, digits: number = RELEASE_DIGITS): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const magnitude = Math.floor(Math.log10(Math.abs(x)));
  const factor = 10 ** (digits - 1 - magnitude);
  return Math.round(x * factor) / factor;
}

/**
 * Where a released figure comes from: the fixed group (its level, segment and window, and a
 * fingerprint of its member set), the period and the field. Identical for every member who asks.
 */
export interface ReleaseKey {
  /** The group's identity, e.g. "mcc_region:5411:Moscow:RU:2025-01-01:<members hash>". */
  group: string;
  /** The period of the figure, e.g. "2025-11-01/2025-12-01" or a month. */
  period: string;
  /** The field, e.g. "benchmark.customers.median". */
  field: string;
}

/**
 * True only in a test process started with PRIVACY_GUARDS_OFF=1: the attack suite's
 * demonstration that its attacks succeed once the noise is gone (tests/privacy-attacks/README.md).
 * Never true in development or production (NODE_ENV is not "test" there).
 */
export function guardsRemovedForAttackDemo(): boolean {
  return process.env.NODE_ENV === "test" && process.env.PRIVACY_GUARDS_OFF === "1";
}

/**
 * Releases a magnitude built from other merchants: x + η · s with η the keyed truncated Laplace
 * draw of `key` (same key → same η) and s = max(|x|, scale), rounded to RELEASE_DIGITS
 * significant digits. For a sum or a mean of non-negative values s = |x| (x · (1 + η)); a mean
 * of signed values (growth rates) passes the mean of their absolute values as `scale`, so a
 * figure near zero built from large values still gets noise of the size of those values
 * (otherwise its inputs could be solved from it almost exactly).
 * @throws Error when x or scale is not finite
 */
export function releaseMagnitude(x: number, key: ReleaseKey, scale: number = 0): number {
  if (!Number.isFinite(x) || !Number.isFinite(scale)) throw new Error(`releaseMagnitude: not a finite number: ${x}, ${scale}`);
  if (guardsRemovedForAttackDemo()) return x;
  const eta = truncatedLaplace(keyedUniform([key.group, key.period, key.field]), NOISE_SCALE, NOISE_BOUND);
  return roundSignificant(x + eta * Math.max(Math.abs(x), Math.abs(scale)));
}

/** A short, stable fingerprint of a member set (not reversible to the ids without the key). */
export function membersFingerprint(ids: readonly number[]): string {
  return createHmac("sha256", noiseKey())
    .update([...ids].sort((a, b) => a - b).join(","))
    .digest("hex")
    .slice(0, 16);
}

/** The merchant's position among its peers, released instead of an exact percentile rank. */
export type QuarterBand = "below_p25" | "p25_median" | "median_p75" | "above_p75";

/**
 * The quarter band of `own` against the released quartiles (a function of the merchant's own
 * value and of figures every member sees, so it tells nothing more than they do): below p25,
 * above p75, else up to and including the median, else above it; null without an own value.
 */
export function quarterBand(own: number | null, q: { p25: number; median: number; p75: number }): QuarterBand | null {
  if (own === null || !Number.isFinite(own)) return null;
  if (own < q.p25) return "below_p25";
  if (own > q.p75) return "above_p75";
  return own <= q.median ? "p25_median" : "median_p75";
}
