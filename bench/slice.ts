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
