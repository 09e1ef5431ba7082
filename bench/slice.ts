import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import zlib from "node:zlib";

/**
 * The header and first `rows` data lines of `<synthetic>/transactions.csv.gz`, written once to
 * `<dir>/transactions-<rows>.csv` (kept for later runs) and returned as a path.
 */
export async function sliceCanonical(synthetic: string, dir: string, rows: number): Promise<string> {
  const out = path.join(dir, `transactions-${rows}.csv`);
  if (fs.existsSync(out)) return out;
  const input = fs.createReadStream(path.join(synthetic, "transactions.csv.gz")).pipe(zlib.createGunzip());
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  const partial = `${out}.${process.pid}.part`;
  const w = fs.createWriteStream(partial);
  let n = -1;
  for await (const line of lines) {
    if (n >= rows) break;
    w.write(line + "\n");
    n += 1;
  }
  await new Promise((r) => w.end(r));
  fs.renameSync(partial, out);
  return out;
}

/**
 * The name of the loaded full bank's database (and PGlite folder): `bench_bank_<kind>`, plus
 * `_<BENCH_DB_SUFFIX>` when that is set, so that two checkouts benchmarking on one server (a
 * shared machine) keep their banks apart instead of dropping each other's.
 * @throws Error when BENCH_DB_SUFFIX is not lower-case letters, digits and underscores
 */
export function benchBankName(kind: "pglite" | "postgres"): string {
  const suffix = process.env.BENCH_DB_SUFFIX ?? "";
  if (!/^[a-z0-9_]*$/.test(suffix)) throw new Error(`BENCH_DB_SUFFIX must be lower-case letters, digits and _: ${suffix}`);
  return suffix ? `bench_bank_${kind}_${suffix}` : `bench_bank_${kind}`;
}
