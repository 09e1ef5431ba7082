/**
 * The privacy attacks of issue 13, pure: each takes what an attacker holds (its own figures and
 * the releases it can request) and the truth (to score the attack), and returns counts. They
 * are run on a synthetic bank by tests/integration/privacy-attacks.test.ts and on hand-made
 * releases by tests/unit/privacy-attacks.test.ts (which also shows they succeed on unprotected
 * releases). The attacker is Kerckhoffs' attacker: it knows the mechanism (lib/privacy/
 * disclosure.ts: noise bounded by NOISE_BOUND, 3 significant digits), not the key.
 *
 * A competitor value counts as **recovered exactly** when the attacker's certified interval is a
 * point equal to the truth (to 1e-6 relative), and as **pinned** when the interval lies within
 * ±5 % of the truth. Certified: the truth lies in the interval whatever the noise drew.
 */
import { solve, type Constraint, type Model } from "yalps";
import { quantileWindow } from "@/lib/privacy/guard";

/** How a released magnitude was produced (the public part of the mechanism). */
export interface Mechanism {
  /** |η| ≤ bound in released = round(x (1 + η)); 0 when no noise. */
  bound: number;
  /** Significant digits of the rounding; null when the value is released at full precision. */
  digits: number | null;
}

/** A closed interval. */
export interface Interval {
  lo: number;
  hi: number;
}

/** Counts of one attack. */
export interface AttackCounts {
  /** Competitor values (or cells) the attack tried to recover. */
  attempts: number;
  exact: number;
  pinned: number;
}

export const emptyCounts = (): AttackCounts => ({ attempts: 0, exact: 0, pinned: 0 });

/** Adds b's counts to a. */
export function addCounts(a: AttackCounts, b: AttackCounts): AttackCounts {
  a.attempts += b.attempts;
  a.exact += b.exact;
  a.pinned += b.pinned;
  return a;
}

const PIN = 0.05;
const EXACT = 1e-6;

/** Scores one certified interval against the truth. */
export function score(iv: Interval, truth: number): { exact: boolean; pinned: boolean } {
  const tol = EXACT * Math.max(1, Math.abs(truth));
  const exact = iv.hi - iv.lo <= tol && Math.abs((iv.lo + iv.hi) / 2 - truth) <= tol;
  const band = PIN * Math.abs(truth);
  const pinned = exact || (truth !== 0 && iv.lo >= truth - band && iv.hi <= truth + band);
  return { exact, pinned };
}

/**
 * Every exact value x that the mechanism could have released as `released`: rounding to
 * `digits` significant digits first (half a unit of the last digit, taken generously), then the
 * noise y = x + η max(|x|, scale), |η| ≤ bound. `scale` is the noise scale of a mean of signed
 * values (the mean absolute value of its inputs); the attacker is granted it exactly (a
 * generous assumption: it does not know the others' values).
 */
export function releaseInterval(released: number, m: Mechanism, scale = 0): Interval {
  let lo = released;
  let hi = released;
  if (m.digits !== null && released !== 0) {
    const unit = 10 ** (Math.floor(Math.log10(Math.abs(released))) - m.digits + 1);
    lo -= unit / 2 + 1e-12;
    hi += unit / 2 + 1e-12;
  }
  if (m.bound > 0) {
    // x + η|x| ∈ [lo, hi]: x ∈ [lo/(1+b), hi/(1−b)] for x ≥ 0, [lo/(1−b), hi/(1+b)] for x < 0.
    const cands = [lo / (1 + m.bound), lo / (1 - m.bound), hi / (1 + m.bound), hi / (1 - m.bound)];
    let xlo = Math.min(...cands);
    let xhi = Math.max(...cands);
    if (scale > 0) {
      xlo = Math.min(xlo, lo - m.bound * scale);
      xhi = Math.max(xhi, hi + m.bound * scale);
    }
    lo = xlo;
    hi = xhi;
  }
  return { lo, hi };
}

/** One released distribution (p25, median, p75 over n sorted values) as the attackers see it. */
export interface QuantileTarget {
  /** The true values of the distribution, sorted ascending (the truth the attack is scored on). */
  sorted: number[];
  /** Who holds each sorted position (merchant ids; sorted order). */
  holders: number[];
  released: { p25: number; median: number; p75: number };
  /** The noise scale of each quantile (mean |value| of its window); omitted for non-negative figures. */
  scales?: { p25: number; median: number; p75: number };
}

const QS = [
  ["p25", 0.25],
  ["median", 0.5],
  ["p75", 0.75],
] as const;

/** The three window equations: positions and the interval of their sum (3 × the exact quantile). */
function windows(t: QuantileTarget, m: Mechanism): { idx: number[]; sum: Interval }[] {
  const n = t.sorted.length;
  return QS.map(([name, q]) => {
    const iv = releaseInterval(t.released[name], m, t.scales?.[name] ?? 0);
    return { idx: quantileWindow(n, q), sum: { lo: 3 * iv.lo, hi: 3 * iv.hi } };
  });
}

/**
 * (b) Colluders solving the linear system of the releases: the coalition knows its members'
 * values and — generously — their exact positions in the sorted order. Every window with one
 * unknown position gives that value (an interval, by the release interval); solved values are
 * substituted and the elimination repeated. Counts each competitor value found.
 */
export function solveLinearSystem(t: QuantileTarget, coalition: ReadonlySet<number>, m: Mechanism): AttackCounts {
  const known = new Map<number, Interval>();
  t.holders.forEach((h, i) => {
    if (coalition.has(h)) known.set(i, { lo: t.sorted[i], hi: t.sorted[i] });
  });
  const eqs = windows(t, m);
  const solved = new Set<number>();
  for (let progress = true; progress; ) {
    progress = false;
    for (const w of eqs) {
      const unknown = w.idx.filter((i) => !known.has(i));
      if (unknown.length !== 1) continue;
      let lo = w.sum.lo;
      let hi = w.sum.hi;
      for (const i of w.idx) {
        if (i === unknown[0]) continue;
        lo -= known.get(i)!.hi;
        hi -= known.get(i)!.lo;
      }
      known.set(unknown[0], { lo, hi });
      solved.add(unknown[0]);
      progress = true;
    }
  }
  const out = emptyCounts();
  for (const i of solved) {
    out.attempts++;
    const s = score(known.get(i)!, t.sorted[i]);
    if (s.exact) out.exact++;
    if (s.pinned) out.pinned++;
  }
  return out;
}

/**
 * (c) Linear-program bounds: for every competitor position inside a quantile window, the least
 * and the largest value consistent with the coalition's own values at their (generously known)
 * positions, the sorted order and every release interval (yalps; values shifted by `floor` so
 * the LP's variables are non-negative). Counts positions bounded exactly or within ±5 %.
 */
export function lpBounds(t: QuantileTarget, coalition: ReadonlySet<number>, m: Mechanism, floor: number): AttackCounts {
  const n = t.sorted.length;
  const knownAt = (i: number) => (coalition.has(t.holders[i]) ? t.sorted[i] + floor : null);
  const name = (i: number) => `v${i}`;
  const constraints = new Map<string, Constraint>();
  const variables = new Map<string, Map<string, number>>();
  const coef = (i: number, c: string, x: number) => {
    if (!variables.has(name(i))) variables.set(name(i), new Map());
    variables.get(name(i))!.set(c, (variables.get(name(i))!.get(c) ?? 0) + x);
  };
  for (let i = 0; i < n; i++) if (knownAt(i) === null) coef(i, "_", 0);
  // Sorted order between neighbours (known values become bounds).
  for (let i = 0; i + 1 < n; i++) {
    const a = knownAt(i);
    const b = knownAt(i + 1);
    if (a === null && b === null) {
      coef(i, `o${i}`, 1);
      coef(i + 1, `o${i}`, -1);
      constraints.set(`o${i}`, { max: 0 });
    } else if (a === null) {
      coef(i, `o${i}`, 1);
      constraints.set(`o${i}`, { max: b! });
    } else if (b === null) {
      coef(i + 1, `o${i}`, 1);
      constraints.set(`o${i}`, { min: a });
    }
  }
  windows(t, m).forEach((w, k) => {
    let shift = 0;
    let any = false;
    for (const i of w.idx) {
      const v = knownAt(i);
      if (v === null) {
        coef(i, `w${k}`, 1);
        any = true;
      } else shift += v;
    }
    if (any) constraints.set(`w${k}`, { min: w.sum.lo + 3 * floor - shift, max: w.sum.hi + 3 * floor - shift });
  });
  const targets = new Set<number>();
  for (const [, q] of QS) for (const i of quantileWindow(n, q)) if (knownAt(i) === null) targets.add(i);
  const out = emptyCounts();
  for (const i of targets) {
    const bound = (direction: "minimize" | "maximize") => {
      const vars = new Map([...variables].map(([k, v]) => [k, new Map(v)]));
      vars.get(name(i))!.set("obj", 1);
      const model: Model = { direction, objective: "obj", constraints, variables: vars };
      const s = solve(model);
      return s.status === "optimal" ? s.result - floor : direction === "minimize" ? -Infinity : Infinity;
    };
    const iv = { lo: bound("minimize"), hi: bound("maximize") };
    out.attempts++;
    const s = score(iv, t.sorted[i]);
    if (s.exact) out.exact++;
    if (s.pinned) out.pinned++;
  }
  return out;
}

/**
 * (a) Ratio inversion over every numeric field: an attacker reads each number x in (0, 1) of a
 * response as a share of two members' values (x = v / (own + v) or own / (own + v), as the old
 * `largestShare` was) and computes v = own (1/x − 1) or own x / (1 − x). It counts a competitor
 * value recovered when an estimate equals a competitor's true value to the unit (the fields
 * carry no error bars, so only exact hits count).
 *
 * @param response     any JSON the attacker received
 * @param own          the attacker's own value of the compared quantity (e.g. 12-month net revenue, minor units)
 * @param competitors  the competitors' true values of that quantity
 */
export function ratioInversion(response: unknown, own: number, competitors: readonly number[]): AttackCounts {
  const out = emptyCounts();
  const truth = new Set(competitors.map((c) => Math.round(c)));
  const visit = (x: unknown) => {
    if (typeof x === "number") {
      if (!(x > 0 && x < 1)) return;
      out.attempts += competitors.length;
      for (const est of [own * (1 / x - 1), (own * x) / (1 - x)]) {
        const r = Math.round(est);
        if (Math.abs(est - r) < 1e-3 && truth.has(r)) {
          out.exact++;
          out.pinned++;
        }
      }
    } else if (Array.isArray(x)) x.forEach(visit);
    else if (x && typeof x === "object") Object.values(x).forEach(visit);
  };
  visit(response);
  return out;
}

/** Bank-only attributes and competitor spend, as codes and as the words the renderers use. */
const BANK_ATTRIBUTE_CODES = new Set(["age", "female", "payroll", "corporate", "premium", "region", "competitorShare90d", "competitorShareTrend", "gender", "birthYear", "birth_year"]);
const BANK_ATTRIBUTE_WORDS = [
  /\bage\b/i, /\bwoman\b|\bman\b|\bfemale\b|\bmale\b/i, /payroll/i, /corporate/i, /premium/i, /\bregion\b/i, /competitor/i, /peer/i,
  /возраст/i, /женщин|мужчин/i, /зарплат/i, /корпоратив/i, /премиал/i, /регион/i, /конкурент/i,
];

/**
 * (e) Per-person outputs scanned for bank attributes: every object that names one customer
 * (bankCustomerId, customerRef or customerId) is walked, and every key that is a bank-attribute
 * code, every `feature` value that is one, and every text that uses a bank attribute's words
 * counts. Returns the number of per-person rows and of bank attributes found in them.
 */
export function scanPerPerson(response: unknown, examples: string[] = []): { rows: number; bankAttributes: number } {
  let rows = 0;
  let bankAttributes = 0;
  const hit = (what: string) => {
    bankAttributes++;
    if (examples.length < 5) examples.push(what);
  };
  const inRow = (x: unknown) => {
    if (typeof x === "string") {
      if (BANK_ATTRIBUTE_WORDS.some((re) => re.test(x))) hit(x);
    } else if (Array.isArray(x)) x.forEach(inRow);
    else if (x && typeof x === "object") {
      for (const [k, v] of Object.entries(x)) {
        if (BANK_ATTRIBUTE_CODES.has(k)) hit(`key ${k}`);
        if (k === "feature" && typeof v === "string" && BANK_ATTRIBUTE_CODES.has(v)) hit(`feature ${v}`);
        else if (k !== "bankCustomerId" && k !== "customerRef") inRow(v);
      }
    }
  };
  const visit = (x: unknown) => {
    if (Array.isArray(x)) x.forEach(visit);
    else if (x && typeof x === "object") {
      const o = x as Record<string, unknown>;
      if ("bankCustomerId" in o || "customerRef" in o || ("customerId" in o && !("customers" in o))) {
        rows++;
        inRow(o);
      } else Object.values(o).forEach(visit);
    }
  };
  visit(response);
  return { rows, bankAttributes };
}

/**
 * (e) Released cells under 5 customers: every disclosure-controlled cell — an object that
 * carries a `suppressed` flag or a breakdown label (`dimension`), a campaign segment or cluster
 * (`groups`, `clusters`, `profiles`) — with a count of customers (`customers`, `size`, or the
 * arms' `treatment` / `control`) between 1 and 4 that is not marked suppressed. The merchant's
 * own headline totals and daily series (its own till) are not such cells. Returns the number of
 * cells seen and of small ones released.
 */
export function smallCells(response: unknown, min = 5, examples: string[] = []): { cells: number; small: number } {
  let cells = 0;
  let small = 0;
  const visit = (x: unknown, parentKey: string) => {
    if (Array.isArray(x)) x.forEach((v) => visit(v, parentKey));
    else if (x && typeof x === "object") {
      const o = x as Record<string, unknown>;
      const counts: number[] = [];
      const controlled = "suppressed" in o || "dimension" in o || parentKey === "groups" || parentKey === "clusters" || parentKey === "profiles";
      if (controlled && typeof o.customers === "number") counts.push(o.customers);
      if (controlled && typeof o.size === "number") counts.push(o.size);
      if (controlled && typeof o.treatment === "number" && typeof o.control === "number" && parentKey !== "outcomes") counts.push(o.treatment, o.control);
      if (counts.length > 0 && o.suppressed !== true) {
        cells++;
        if (counts.some((c) => c > 0 && c < min)) {
          small++;
          if (examples.length < 5) examples.push(`${parentKey}: ${JSON.stringify(o).slice(0, 160)}`);
        }
      }
      for (const [k, v] of Object.entries(o)) visit(v, k);
    }
  };
  visit(response, "");
  return { cells, small };
}

/**
 * (g) Pooled training (issue 17, ADR 0019): every number of a stored run (params, metrics,
 * summary, outputs) compared with the figures of the segment pool it was trained on that are not
 * the merchant's own — the pool's row counts, its peers' row counts, its churn rate and that
 * rate's log-odds (the pooled model's base value), and peer customer ids. A number equal to one
 * (to 6 significant digits) counts as a leak; `customerId` values are matched against the peer
 * ids only, exactly.
 *
 * @param response the stored run (or anything the merchant receives)
 * @param figures  the pool's peer-level figures
 * @param peerIds  the peers' customer ids
 */
export function peerFigureLeaks(response: unknown, figures: readonly number[], peerIds: ReadonlySet<number>, examples: string[] = []): { numbers: number; leaks: number } {
  let numbers = 0;
  let leaks = 0;
  const same = (a: number, b: number) => a === b || (b !== 0 && Math.abs(a - b) <= 5e-7 * Math.abs(b));
  const visit = (x: unknown, key: string) => {
    if (typeof x === "number") {
      numbers++;
      // An id is matched against ids only (a customer id may equal a row count by chance).
      const hit = key === "customerId" ? peerIds.has(x) : figures.some((f) => same(x, f));
      if (hit) {
        leaks++;
        if (examples.length < 5) examples.push(`${key}: ${x}`);
      }
    } else if (Array.isArray(x)) x.forEach((v) => visit(v, key));
    else if (x && typeof x === "object") for (const [k, v] of Object.entries(x)) visit(v, k);
  };
  visit(response, "");
  return { numbers, leaks };
}
