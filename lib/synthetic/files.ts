import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { once } from "node:events";
import { createGzip } from "node:zlib";
import type { Writable } from "node:stream";
import * as model from "./model";
import {
  buildTruths,
  generateBank,
  GENERATOR_VERSION,
  planBank,
  resolveBankConfig,
  type BankConfig,
  type BankSummary,
} from "./bank";
import {
  CUSTOMERS_HEADER,
  CUSTOMER_TRUTHS_HEADER,
  customerRow,
  customerTruthRow,
  MERCHANTS_HEADER,
  merchantRow,
  RELATIONSHIP_TRUTHS_HEADER,
  relationshipTruthRow,
  SWITCH_EVENTS_HEADER,
  switchEventRow,
  TRANSACTIONS_HEADER,
  transactionRow,
} from "./csv";

/**
 * The file side of the synthetic bank (the only module here that does I/O): streams
 * generateBank into CSV files in a directory.
 */

/** Output files, in the order they should be ingested where it matters. */
export const BANK_FILES = {
  merchants: "merchants.csv",
  customers: "customers.csv",
  transactions: "transactions.csv.gz",
  truths: "truths.json",
  customerTruths: "customer_truths.csv",
  relationshipTruths: "customer_mcc_truths.csv",
  switchEvents: "switch_events.csv",
} as const;

/** Size, data rows and sha256 of one written file (of its bytes on disk, so of the gzip for .gz). */
interface WrittenFile {
  file: string;
  bytes: number;
  rows: number;
  sha256: string;
}

/** What writeBank produced. */
export interface WrittenBank {
  dir: string;
  /** sha256 of the generator version and resolved config: equal hashes mean equal files. */
  configHash: string;
  summary: BankSummary;
  kappa: number;
  files: Record<Exclude<keyof typeof BANK_FILES, "truths">, WrittenFile>;
  /** Wall-clock milliseconds spent (calibration included). */
  elapsedMs: number;
}

/**
 * sha256 over GENERATOR_VERSION, every parameter of model.ts and the resolved config: the
 * identity of a generated bank (a parameter edit invalidates old files even if the version
 * was not bumped; code changes still need the bump).
 */
function bankConfigHash(config: BankConfig): string {
  const identity = { version: GENERATOR_VERSION, model, config: resolveBankConfig(config) };
  return createHash("sha256").update(JSON.stringify(identity)).digest("hex");
}

const CHUNK_BYTES = 1 << 20;
const QUEUE_BYTES = 16 << 20;

// Lines are encoded straight into a byte buffer: holding millions of small strings until a
// join made them survive young-generation GCs and cost more than the generation itself.
class LineSink {
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;
  rows = 0;
  private readonly file: fs.WriteStream;
  private readonly target: Writable;

  constructor(
    readonly finalPath: string,
    readonly tmpPath: string,
    gzip: boolean,
  ) {
    this.file = fs.createWriteStream(tmpPath);
    if (gzip) {
      const z = createGzip({ level: 6 });
      z.pipe(this.file);
      this.target = z;
    } else {
      this.target = this.file;
    }
  }

  private append(text: string) {
    // UTF-8 needs at most 3 bytes per UTF-16 unit; lines are far shorter than a chunk.
    if (this.used + text.length * 3 > CHUNK_BYTES) this.handOver();
    this.used += this.chunk.write(text, this.used, "utf8");
  }

  header(line: string) {
    this.append(line + "\n");
  }

  push(line: string) {
    this.append(line);
    this.rows += 1;
  }

  /** More than half a chunk is waiting: time to give the stream a chance to drain. */
  get full() {
    return this.pending.length > 0 || this.used > CHUNK_BYTES / 2;
  }

  private pending: Buffer[] = [];
  private handOver() {
    if (this.used === 0) return;
    this.pending.push(this.chunk.subarray(0, this.used));
    this.chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    this.used = 0;
  }

  async flush() {
    this.handOver();
    const pending = this.pending;
    this.pending = [];
    for (const buf of pending) this.target.write(buf);
    // Up to 16 MiB may queue, so zlib (libuv thread pool) compresses while the generator runs;
    // beyond that, wait for the stream to empty.
    if (this.target.writableLength > QUEUE_BYTES) await once(this.target, "drain");
  }

  async close() {
    await this.flush();
    this.target.end();
    await once(this.file, "close");
  }
}

async function describe(finalPath: string, rows: number): Promise<WrittenFile> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of fs.createReadStream(finalPath)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { file: path.basename(finalPath), bytes, rows, sha256: hash.digest("hex") };
}

/**
 * Generates the bank for `config` into `dir`: merchants.csv, customers.csv, transactions.csv.gz
 * (canonical ingest formats), customer_truths.csv, customer_mcc_truths.csv, switch_events.csv
 * and truths.json (written last, so its presence means the set is complete). Files are written
 * under temporary names and renamed at the end. `onProgress(customersDone, transactionsDone)`
 * is called every 1,000 customers.
 */
export async function writeBank(
  dir: string,
  config: BankConfig = {},
  onProgress?: (customers: number, transactions: number) => void,
): Promise<WrittenBank> {
  const started = performance.now();
  fs.mkdirSync(dir, { recursive: true });
  const configHash = bankConfigHash(config);
  const truthsPath = path.join(dir, BANK_FILES.truths);
  fs.rmSync(truthsPath, { force: true });
  const tmp = `.tmp-${process.pid}-`;
  const open = (name: string, gzip = false) => new LineSink(path.join(dir, name), path.join(dir, tmp + name), gzip);
  const sinks = {
    merchants: open(BANK_FILES.merchants),
    customers: open(BANK_FILES.customers),
    transactions: open(BANK_FILES.transactions, true),
    customerTruths: open(BANK_FILES.customerTruths),
    relationshipTruths: open(BANK_FILES.relationshipTruths),
    switchEvents: open(BANK_FILES.switchEvents),
  };
  sinks.merchants.header(MERCHANTS_HEADER);
  sinks.customers.header(CUSTOMERS_HEADER);
  sinks.transactions.header(TRANSACTIONS_HEADER);
  sinks.customerTruths.header(CUSTOMER_TRUTHS_HEADER);
  sinks.relationshipTruths.header(RELATIONSHIP_TRUTHS_HEADER);
  sinks.switchEvents.header(SWITCH_EVENTS_HEADER);

  const plan = planBank(config);
  let summary: BankSummary | null = null;
  for (const record of generateBank(plan)) {
    switch (record.type) {
      case "merchant":
        sinks.merchants.push(merchantRow(record.merchant));
        break;
      case "customer":
        sinks.customers.push(customerRow(record.customer));
        sinks.customerTruths.push(customerTruthRow(record.truth));
        for (const r of record.relationships) sinks.relationshipTruths.push(relationshipTruthRow(r));
        for (const s of record.switches) sinks.switchEvents.push(switchEventRow(s));
        if (record.truth.ordinal % 1000 === 999) {
          onProgress?.(record.truth.ordinal + 1, sinks.transactions.rows);
          for (const sink of Object.values(sinks)) if (sink.full) await sink.flush();
        }
        break;
      case "transaction":
        sinks.transactions.push(transactionRow(record.transaction));
        if (sinks.transactions.full) await sinks.transactions.flush();
        break;
      case "end":
        summary = record.summary;
        break;
    }
  }
  if (!summary) throw new Error("generateBank ended without a summary");
  onProgress?.(summary.customers, summary.transactions);

  const files = {} as WrittenBank["files"];
  for (const [key, sink] of Object.entries(sinks) as [keyof typeof sinks, LineSink][]) {
    await sink.close();
    fs.renameSync(sink.tmpPath, sink.finalPath);
    files[key] = await describe(sink.finalPath, sink.rows);
  }
  const truths = buildTruths(plan, summary, { configHash, ...files });
  fs.writeFileSync(truthsPath + ".tmp", JSON.stringify(truths, null, 1) + "\n");
  fs.renameSync(truthsPath + ".tmp", truthsPath);
  return { dir, configHash, summary, kappa: plan.kappa, files, elapsedMs: performance.now() - started };
}

/**
 * The bank already written in `dir` for this config, or null: truths.json exists with the same
 * config hash and every file has the recorded size.
 */
export function readWrittenBank(dir: string, config: BankConfig = {}): WrittenBank | null {
  const truthsPath = path.join(dir, BANK_FILES.truths);
  if (!fs.existsSync(truthsPath)) return null;
  let truths: { files?: Record<string, unknown>; summary?: BankSummary; calibration?: { kappa: number } };
  try {
    truths = JSON.parse(fs.readFileSync(truthsPath, "utf8"));
  } catch {
    return null;
  }
  const configHash = bankConfigHash(config);
  const recorded = truths.files ?? {};
  if (recorded.configHash !== configHash || !truths.summary || !truths.calibration) return null;
  const files = {} as WrittenBank["files"];
  for (const key of Object.keys(BANK_FILES) as (keyof typeof BANK_FILES)[]) {
    if (key === "truths") continue;
    const f = recorded[key] as WrittenFile | undefined;
    const full = path.join(dir, BANK_FILES[key]);
    if (!f || !fs.existsSync(full) || fs.statSync(full).size !== f.bytes) return null;
    files[key] = f;
  }
  return { dir, configHash, summary: truths.summary, kappa: truths.calibration.kappa, files, elapsedMs: 0 };
}
