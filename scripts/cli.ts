import { parseArgs } from "node:util";
import { asc, eq, sql } from "drizzle-orm";
import { closeDatabase, getDatabase, type Database } from "@/db/client";
import { merchantDaily, merchants } from "@/db/schema";
import { getHeadlineMetrics } from "@/lib/analytics/getOverview";
import { periodSchema, type MerchantRef } from "@/lib/analytics/types";
import { withMerchantScope } from "@/lib/tenancy/scope";

/*
 * The analysts' CLI: `npm run cli -- <command> [options]`. Reads the same library functions the
 * pages use, on DATABASE_URL (PostgreSQL) or the embedded PGlite (PGLITE_DIR, else .data/pglite).
 * Merchant-level figures run inside withMerchantScope, exactly as a page would; only the merchant
 * lookup and the bank-wide merchant list use the owner connection.
 *
 * Exit codes: 0 ok, 2 usage or input error (unknown command, merchant or bad dates), 1 other.
 * To add a command, add an entry to COMMANDS.
 */

/** An expected failure: its message goes to stderr as is, and the process exits with `code`. */
class CliError extends Error {
  constructor(
    message: string,
    readonly code = 2,
  ) {
    super(message);
  }
}

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

interface Command {
  usage: string;
  summary: string;
  run: (args: string[], io: Io) => Promise<void>;
}

/** Runs an argument parser, turning its errors (unknown or malformed options) into usage errors. */
function usageErrors<R>(fn: () => R): R {
  try {
    return fn();
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err));
  }
}

async function findMerchant(database: Database, slug: string): Promise<MerchantRef> {
  const [m] = await database.db
    .select({
      id: merchants.id,
      slug: merchants.slug,
      name: merchants.name,
      mcc: merchants.mcc,
      currency: merchants.currency,
      timeZone: merchants.timeZone,
    })
    .from(merchants)
    .where(eq(merchants.slug, slug));
  if (!m) throw new CliError(`unknown merchant: ${slug}`);
  return m;
}

/** Minor units → a localized amount in the currency's own number of decimals (JPY 0, EUR 2). */
function formatMoney(minor: number | null, currency: string): string {
  if (minor === null) return "–";
  const format = new Intl.NumberFormat("en", { style: "currency", currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}

const metrics: Command = {
  usage: "metrics --merchant SLUG --from YYYY-MM-DD --to YYYY-MM-DD [--json]",
  summary: "headline metrics of one merchant over [from, to) (to exclusive)",
  async run(args, io) {
    const { values: v } = usageErrors(() =>
      parseArgs({
        args,
        strict: true,
        options: {
          merchant: { type: "string" },
          from: { type: "string" },
          to: { type: "string" },
          json: { type: "boolean", default: false },
        },
      }),
    );
    if (!v.merchant) throw new CliError("--merchant SLUG is required");
    const period = periodSchema.safeParse({ from: v.from, to: v.to });
    if (!period.success) {
      throw new CliError(
        `bad period: ${period.error.issues.map((i) => `${i.path.join(".") || "period"}: ${i.message}`).join("; ")}`,
      );
    }
    const database = await getDatabase();
    const merchant = await findMerchant(database, v.merchant);
    const h = await withMerchantScope(database, merchant.id, (tx) => getHeadlineMetrics({ tx, merchant }, period.data));
    const result = {
      merchant: merchant.slug,
      currency: merchant.currency,
      from: period.data.from,
      to: period.data.to,
      grossSalesMinor: h.grossSalesMinor,
      refundsMinor: h.refundsMinor,
      netRevenueMinor: h.netRevenueMinor,
      purchases: h.purchases,
      refunds: h.refunds,
      customers: h.customers,
      averageCheckMinor: h.averageCheckMinor,
      frequency: h.frequency,
    };
    if (v.json) {
      io.out(JSON.stringify(result, null, 2));
      return;
    }
    const c = merchant.currency;
    io.out(`${merchant.name} (${merchant.slug}), ${period.data.from} to ${period.data.to} (exclusive), ${c}`);
    io.out(
      table([
        ["metric", "value"],
        ["gross sales", formatMoney(h.grossSalesMinor, c)],
        ["refunds", formatMoney(h.refundsMinor, c)],
        ["net revenue", formatMoney(h.netRevenueMinor, c)],
        ["purchases", String(h.purchases)],
        ["refunds (count)", String(h.refunds)],
        ["customers", String(h.customers)],
        ["new customers", String(h.newCustomers)],
        ["returning customers", String(h.returningCustomers)],
        ["average check", formatMoney(h.averageCheckMinor, c)],
        ["purchase frequency", h.frequency === null ? "–" : h.frequency.toFixed(2)],
      ]),
    );
  },
};

const merchantsCommand: Command = {
  usage: "merchants [--json]",
  summary: "every merchant with its MCC, currency, time zone and transaction count",
  async run(args, io) {
    const { values: v } = usageErrors(() =>
      parseArgs({ args, strict: true, options: { json: { type: "boolean", default: false } } }),
    );
    const database = await getDatabase();
    // Bank-wide listing for the operator: the owner connection, transaction counts from rollups.
    const rows = await database.db
      .select({
        slug: merchants.slug,
        name: merchants.name,
        mcc: merchants.mcc,
        currency: merchants.currency,
        timeZone: merchants.timeZone,
        transactions: sql<number>`coalesce(sum(${merchantDaily.purchases} + ${merchantDaily.refunds}), 0)::bigint`,
      })
      .from(merchants)
      .leftJoin(merchantDaily, eq(merchantDaily.merchantId, merchants.id))
      .groupBy(merchants.id)
      .orderBy(asc(merchants.slug));
    const list = rows.map((r) => ({ ...r, transactions: Number(r.transactions) }));
    if (v.json) {
      io.out(JSON.stringify(list, null, 2));
      return;
    }
    io.out(
      table([
        ["slug", "name", "MCC", "currency", "time zone", "transactions"],
        ...list.map((m) => [m.slug, m.name, m.mcc, m.currency, m.timeZone, String(m.transactions)]),
      ]),
    );
  },
};

/** command name → handler; add new subcommands here. */
export const COMMANDS: Record<string, Command> = {
  metrics,
  merchants: merchantsCommand,
};

function usage(): string {
  return [
    "usage: npm run cli -- <command> [options]",
    ...Object.values(COMMANDS).map((c) => `  ${c.usage.padEnd(72)} ${c.summary}`),
  ].join("\n");
}

/** Runs one CLI invocation and returns its exit code; always closes the database. */
export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (!name || name === "help" || name === "--help" || name === "-h") {
      (name ? io.out : io.err)(usage());
      return name ? 0 : 2;
    }
    const command = COMMANDS[name];
    if (!command) throw new CliError(`unknown command: ${name}\n${usage()}`);
    await command.run(rest, io);
    return 0;
  } catch (err) {
    if (err instanceof CliError) {
      io.err(`error: ${err.message}`);
      return err.code;
    }
    io.err(`error: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    await closeDatabase();
  }
}

const isEntry = process.argv[1] && /scripts[\\/]cli\.ts$/.test(process.argv[1]);
if (isEntry) {
  main(process.argv.slice(2), {
    out: (t) => process.stdout.write(`${t}\n`),
    err: (t) => process.stderr.write(`${t}\n`),
  }).then((code) => {
    process.exitCode = code;
  });
}
