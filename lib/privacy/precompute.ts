import { sql } from "drizzle-orm";
import { queryRows, type Database, type Executor } from "@/db/client";
import { categoryBaseOf, categoryFigures, loadCategoryBase, loadGroupCategoryRows } from "./competitors/categoryFigures.internal";
import { between, inList } from "./competitors/sql.internal";
import { dailyNet, memberFigures, monthlyCustomers } from "./competitors/members.internal";
import { buildCompetitorReport } from "./competitors/report";
import type { ReportSources } from "./competitors/sources.internal";
import type { CompetitorReport } from "./competitors/types";
import { categoryRange, reportWindows, type ReportWindows } from "./competitors/windows";
import { resolvePeerGroup, type PeerGroup } from "./peerGroups";
import { addDays } from "@/lib/days";
import { offeredPeriods } from "./periods";
import { competitorFingerprint, mccGroupMemberIds, replaceStoredReports } from "./reportStore";

/*
 * The job that stores the Competitors page's reports (docs/adr/0007-stored-competitor-reports.md).
 * The page's figures read up to a year of every peer's customer-days; computed per request they
 * took 0.4–0.9 s for the largest merchant against a 100 ms target (docs/performance.md). After
 * an ingest, this job computes the report of every period the page offers and stores it with the
 * fingerprint of its inputs; the page then reads one row. Same computation as the live path
 * (buildCompetitorReport), only its inputs are loaded once per merchant — the customer-category
 * rows for all periods in one query — and shared between the members of a peer group. Internal
 * to lib/privacy: it reads other merchants' rows on the owner connection.
 */

/** What the job did for one merchant. */
export interface StoredReportsOutcome {
  merchantId: number;
  /** stored: reports written; fresh: every offered period was already stored under the current fingerprint; failed: nothing changed. */
  status: "stored" | "fresh" | "failed";
  /** Reports written (0 unless stored). */
  reports: number;
  /** Wall-clock seconds for this merchant. */
  seconds: number;
  /** Why it failed; absent otherwise. */
  error?: string;
}

/** One line of progress output for an outcome, e.g. "competitor reports spb-grocery-1: 35 periods stored 1.42 s". */
export function storedReportsLine(o: StoredReportsOutcome & { slug: string }): string {
  const what = o.status === "stored" ? `${o.reports} periods stored` : o.status === "fresh" ? "up to date" : `failed (${o.error})`;
  return `competitor reports ${o.slug}: ${what} ${o.seconds.toFixed(2)} s`;
}

/** Member-level inputs of one data version (one fingerprint), keyed by what was read. */
interface SharedInputs {
  /** `rows`: the value's size in rows, for a big value the cache bounds (the group's category rows; see CompetitorInputCache). */
  get<T>(key: string, load: () => Promise<T>, opts?: { rows?: (value: T) => number }): Promise<T>;
}

/** The most MCC groups' data versions a {@link CompetitorInputCache} keeps by default. */
const COMPETITOR_CACHE_GROUPS = 16;
/**
 * The most rows of sized values (the groups' category rows, about 24 bytes a row) it keeps by
 * default: ≈ 100 MB, the whole default synthetic bank's four groups (≈ 1.3 M rows).
 */
const COMPETITOR_CACHE_MAX_ROWS = 4_000_000;
/**
 * A group whose customer-days over the loaded months exceed this is not loaded whole: each member
 * reads its own customers' rows (loadCategoryBase), as before the group read. A month row folds
 * one or more customer-days, so the group's rows stay under half the cache's bound.
 */
const GROUP_CATEGORY_MAX_CUSTOMER_DAYS = COMPETITOR_CACHE_MAX_ROWS / 2;

/**
 * Member-level inputs of the Competitors reports (member figures, daily net revenue, monthly
 * customers of a peer group) kept per fingerprint — the MCC group's data version, which changes
 * whenever a member's rollups do (lib/privacy/reportStore.ts) — so the members of a group share one
 * read of them, whether they are refreshed in one call or in one model job each. Least recently
 * used fingerprints beyond `maxGroups` are dropped; a read that fails is not kept. The group's
 * category rows (every customer's purchases at each member, loadGroupCategoryRows: tens of MB on
 * a large group) are sized: they are kept while their rows summed over all fingerprints stay
 * within `maxRows`, the least recently used dropped first, so the memory stays bounded whatever
 * the number of groups. The values are group-level aggregates and
 * per-customer rows that only buildCompetitorReport sees through categoryFigures and the member
 * figures (it applies the release rules); none is written or shown as such.
 */
export class CompetitorInputCache {
  private readonly groups = new Map<string, Map<string, Promise<unknown>>>();
  /** The sized values held, least recently used first: their fingerprint's map, key and rows. */
  private readonly sized = new Map<string, { values: Map<string, Promise<unknown>>; key: string; rows: number }>();
  private sizedRows = 0;
  /** Reads answered from memory and reads that went to the database. */
  readonly stats = { hits: 0, misses: 0 };

  /**
   * @param maxGroups fingerprints kept (a whole number ≥ 1)
   * @param maxRows the bound on the summed rows of the sized values across all fingerprints (a
   *   whole number ≥ 0): the groups' category rows, which the members of a group use in turn
   */
  constructor(
    private readonly maxGroups: number = COMPETITOR_CACHE_GROUPS,
    private readonly maxRows: number = COMPETITOR_CACHE_MAX_ROWS,
  ) {
    if (!(Number.isInteger(maxGroups) && maxGroups >= 1)) throw new Error(`CompetitorInputCache: maxGroups must be a whole number ≥ 1, got ${maxGroups}`);
    if (!(Number.isInteger(maxRows) && maxRows >= 0)) throw new Error(`CompetitorInputCache: maxRows must be a whole number ≥ 0, got ${maxRows}`);
  }

  /** Drops the least recently used sized values until their rows fit `maxRows`. */
  private fitSized(): void {
    for (const [oldest, entry] of this.sized) {
      if (this.sizedRows <= this.maxRows) break;
      this.sized.delete(oldest);
      this.sizedRows -= entry.rows;
      entry.values.delete(entry.key);
    }
  }

  /** The inputs of data version `fingerprint` (made the most recently used). */
  inputs(fingerprint: string): SharedInputs {
    let values = this.groups.get(fingerprint);
    if (values) this.groups.delete(fingerprint);
    else values = new Map();
    this.groups.set(fingerprint, values);
    while (this.groups.size > this.maxGroups) this.groups.delete(this.groups.keys().next().value!);
    const map = values;
    return {
      get: <T>(key: string, load: () => Promise<T>, opts: { rows?: (value: T) => number } = {}): Promise<T> => {
        const held = map.get(key) as Promise<T> | undefined;
        const sizedKey = `${fingerprint}|${key}`;
        if (held) {
          this.stats.hits++;
          const entry = this.sized.get(sizedKey);
          if (entry) {
            this.sized.delete(sizedKey);
            this.sized.set(sizedKey, entry);
          }
          return held;
        }
        this.stats.misses++;
        const value = load();
        map.set(key, value);
        value.then(
          (v) => {
            // Counted once settled (its size is known then), if it was not dropped meanwhile.
            if (opts.rows && map.get(key) === value && !this.sized.has(sizedKey)) {
              const rows = opts.rows(v);
              this.sized.set(sizedKey, { values: map, key, rows });
              this.sizedRows += rows;
              this.fitSized();
            }
          },
          () => {
            if (map.get(key) === value) map.delete(key);
          },
        );
        return value;
      },
    };
  }

  /** Forgets data version `fingerprint` (after a failed merchant: nothing half-read is served). */
  drop(fingerprint: string): void {
    this.groups.delete(fingerprint);
    for (const [key, entry] of [...this.sized]) {
      if (key.startsWith(`${fingerprint}|`)) {
        this.sized.delete(key);
        this.sizedRows -= entry.rows;
      }
    }
  }
}

/**
 * The worker process's cache (lib/jobs/worker.ts): each model job refreshes its merchant's own
 * reports, and consecutive members of a group then read the group's inputs once (issue 17's job
 * time).
 */
export const competitorInputCache = new CompetitorInputCache();

const idsKey = (ids: readonly number[]) => [...ids].sort((a, b) => a - b).join(",");
const windowKey = (p: { from: string; to: string }) => `${p.from}_${p.to}`;

/**
 * Computes the reports of one merchant for every offered period from inputs loaded once: the
 * peer group of each distinct reference window, and through `shared` its MCC group's
 * customer-category rows over all periods (cut to this merchant's customers) and the member-level
 * figures.
 * @throws Error when a peer group reaches outside the merchant's MCC group (a bug in peerGroups)
 */
async function computeMerchantReports(
  tx: Executor,
  merchant: { id: number; slug: string; currency: string },
  windows: ReportWindows[],
  shared: SharedInputs,
  groupMaxCustomerDays: number = GROUP_CATEGORY_MAX_CUSTOMER_DAYS,
): Promise<Array<{ period: { from: string; to: string }; report: CompetitorReport }>> {
  const groups = new Map<string, PeerGroup>();
  for (const w of windows) {
    const key = windowKey(w.window);
    if (!groups.has(key)) groups.set(key, await resolvePeerGroup(tx, merchant.id, w.window));
  }
  const union = new Set<number>([merchant.id]);
  for (const g of groups.values()) for (const id of g.memberIds) union.add(id);
  const ranges = windows.map(categoryRange);
  const range = {
    from: ranges.reduce((lo, r) => (r.from < lo ? r.from : lo), ranges[0].from),
    to: ranges.reduce((hi, r) => (r.to > hi ? r.to : hi), ranges[0].to),
  };
  // The whole MCC group's category rows (the fingerprint's set of merchants, from which every
  // peer group is drawn), read once for all its members and cut to this merchant's customers.
  const groupIds = await mccGroupMemberIds(tx, merchant.id);
  for (const id of union) if (!groupIds.includes(id)) throw new Error(`computeMerchantReports: peer ${id} is outside merchant ${merchant.id}'s MCC group`);
  const [size] = await shared.get(`category-size|${idsKey(groupIds)}|${windowKey(range)}`, () =>
    queryRows<{ n: number }>(tx, sql`select coalesce(sum(customers), 0)::bigint as n from merchant_daily where merchant_id in (${inList(groupIds)}) and ${between(sql`day`, range)}`),
  );
  const base =
    Number(size.n) <= groupMaxCustomerDays
      ? categoryBaseOf(
          await shared.get(`category|${idsKey(groupIds)}|${windowKey(range)}`, () => loadGroupCategoryRows(tx, groupIds, range), { rows: (r) => r.member.length }),
          merchant.id,
        )
      : await loadCategoryBase(tx, merchant.id, [...union], range);
  const sources: ReportSources = {
    peerGroup: async (window) => groups.get(windowKey(window))!,
    memberFigures: (ids, w) => shared.get(`figures|${idsKey(ids)}|${windowKey(w.period)}`, () => memberFigures(tx, ids, w)),
    dailyNet: (ids, window) => shared.get(`daily|${idsKey(ids)}|${windowKey(window)}`, () => dailyNet(tx, ids, window)),
    // Keyed by the whole member set, so every member of the same group shares one query.
    monthlyCustomers: (ids, window) => shared.get(`customers|${idsKey(ids)}|${windowKey(window)}`, () => monthlyCustomers(tx, ids, window)),
    category: async (ids, w) => categoryFigures(base, new Set(ids), w),
  };
  const out = [];
  for (const w of windows) out.push({ period: w.period, report: await buildCompetitorReport(merchant, w, sources) });
  return out;
}

/**
 * The Competitors reports of `merchants` for `periods` (whole months, quarters or years),
 * computed as the job computes them (member-level inputs loaded once and shared across the
 * members of a group) and stored nowhere: the attack suite's releases
 * (tests/integration/privacy-attacks.test.ts). The data must not change during the call.
 * @returns per merchant id, its reports in the order of `periods`
 */
export async function computeCompetitorReports(
  executor: Executor,
  merchants: readonly { id: number; slug: string; currency: string }[],
  periods: readonly { from: string; to: string }[],
): Promise<Map<number, CompetitorReport[]>> {
  const shared = new CompetitorInputCache(1).inputs("one batch");
  const windows = periods.map((p) => reportWindows(p));
  const out = new Map<number, CompetitorReport[]>();
  for (const m of merchants) out.set(m.id, (await computeMerchantReports(executor, m, windows, shared)).map((r) => r.report));
  return out;
}

/**
 * Computes and stores the Competitors report of every period the page offers (offeredPeriods: 24
 * months, 8 quarters and 3 years ending with the merchant's latest data day) for the merchants
 * `merchantIds` and every other merchant of their MCC groups in the same country — those whose
 * peers' data just changed. Each merchant's reports are computed and replaced in one
 * repeatable-read transaction under the fingerprint read in it, so a stored set always matches
 * the data it came from; a merchant whose offered periods are all stored under the current
 * fingerprint is skipped. A merchant that fails keeps its old reports (stale ones are never
 * served) and the others still run.
 *
 * Cost (docs/performance.md): the MCC group's category rows and member-level queries, each read
 * once and shared by the group's members (the worker's cache keeps them across model jobs).
 *
 * @param merchantIds merchants whose data changed (unknown ids are ignored)
 * @param opts.neighbours false to refresh only `merchantIds` themselves (default true: their MCC groups)
 * @param opts.cache the member-level inputs to share (default: a cache for this call only); the
 *   worker passes {@link competitorInputCache} so that one merchant's job reuses its group's reads
 * @param opts.onMerchant called after each merchant (progress output)
 * @param opts.groupMaxCustomerDays the largest group read whole (default GROUP_CATEGORY_MAX_CUSTOMER_DAYS);
 *   above it each member reads its own customers' category rows
 * @returns one outcome per merchant, in processing order (country, MCC group, id)
 * @throws Error only when the merchant list itself cannot be read
 */
export async function refreshCompetitorReports(
  database: Database,
  merchantIds: readonly number[],
  opts: {
    neighbours?: boolean;
    cache?: CompetitorInputCache;
    onMerchant?: (outcome: StoredReportsOutcome & { slug: string }) => void;
    groupMaxCustomerDays?: number;
  } = {},
): Promise<StoredReportsOutcome[]> {
  const wanted = [...new Set(merchantIds)].filter((id) => Number.isInteger(id) && id > 0);
  if (wanted.length === 0) return [];
  const list = sql.join(wanted.map((id) => sql`${id}`), sql`, `);
  const merchants = await queryRows<{ id: number; slug: string; currency: string }>(
    database.db,
    opts.neighbours === false
      ? sql`select m.id, m.slug, m.currency from merchants m where m.id in (${list}) order by m.country, substr(m.mcc, 1, 2), m.id`
      : sql`select m.id, m.slug, m.currency from merchants m
            where exists (select 1 from merchants s
                          where s.id in (${list}) and s.country = m.country and substr(s.mcc, 1, 2) = substr(m.mcc, 1, 2))
            order by m.country, substr(m.mcc, 1, 2), m.id`,
  );
  const cache = opts.cache ?? new CompetitorInputCache();
  const outcomes: StoredReportsOutcome[] = [];
  for (const row of merchants) {
    const merchant = { id: Number(row.id), slug: row.slug, currency: row.currency };
    const started = performance.now();
    let outcome: StoredReportsOutcome;
    let fingerprint = "";
    try {
      outcome = await database.db.transaction(
        async (tx) => {
          // The customer-category query sorts ~10⁵ rows for a large merchant; the 4 MB default spills to disk.
          await tx.execute(sql`set local work_mem = '64MB'`);
          fingerprint = await competitorFingerprint(tx, merchant.id);
          const shared = cache.inputs(fingerprint);
          const [last] = await queryRows<{ day: string | null }>(tx, sql`select max(day)::text as day from merchant_daily where merchant_id = ${merchant.id}`);
          const periods = last?.day ? offeredPeriods(addDays(last.day, 1)) : [];
          const [stored] = await queryRows<{ n: number }>(
            tx,
            sql`select count(*)::int as n from competitor_reports
                where merchant_id = ${merchant.id} and fingerprint = ${fingerprint}
                  and (period_from::text || '_' || period_to::text) in (${sql.join(periods.map((p) => sql`${windowKey(p)}`).concat(sql`''`), sql`, `)})`,
          );
          if (periods.length > 0 && Number(stored.n) === periods.length) {
            return { merchantId: merchant.id, status: "fresh" as const, reports: 0, seconds: 0 };
          }
          const reports = periods.length > 0 ? await computeMerchantReports(tx, merchant, periods.map(reportWindows), shared, opts.groupMaxCustomerDays) : [];
          await replaceStoredReports(tx, merchant.id, fingerprint, reports);
          return { merchantId: merchant.id, status: "stored" as const, reports: reports.length, seconds: 0 };
        },
        { isolationLevel: "repeatable read" },
      );
    } catch (err) {
      if (fingerprint) cache.drop(fingerprint); // a failed load must not be served to the next merchant
      outcome = { merchantId: merchant.id, status: "failed", reports: 0, seconds: 0, error: (err instanceof Error ? err.message : String(err)) || "unknown error" };
    }
    outcome.seconds = Math.round(performance.now() - started) / 1000;
    outcomes.push(outcome);
    opts.onMerchant?.({ ...outcome, slug: merchant.slug });
  }
  return outcomes;
}
