import fs from "node:fs";
import { createHash, type Hash } from "node:crypto";
import { Transform, finished, pipeline, type TransformCallback } from "node:stream";
import zlib from "node:zlib";
import { CsvError, parse, type Parser } from "csv-parse";
import { AppError } from "@/lib/errors";

/**
 * The file cannot be decompressed: a cut or damaged gzip stream (400, code "corrupt_file").
 * A report error, not a throw, at the ingest surface.
 */
export class CorruptFileError extends AppError {
  constructor(message = "the file is not a valid gzip stream") {
    super("corrupt_file", 400, message);
  }
}

/** The CSV itself is broken (an unclosed quote, a quote inside an unquoted field): 400, code "malformed_csv", details line. */
export class MalformedCsvError extends AppError {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super("malformed_csv", 400, message, { line });
  }
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** Whether to gunzip: the name ends in `.gz` or the first two bytes are gzip's magic number. */
async function isGzip(file: string): Promise<boolean> {
  if (file.toLowerCase().endsWith(".gz")) return true;
  const handle = await fs.promises.open(file, "r");
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  } finally {
    await handle.close();
  }
}

/**
 * Checks that `file` is a readable regular file.
 * @throws Error("ingest: cannot read <file>: <cause>") for a missing or unreadable file
 */
async function assertReadableFile(file: string): Promise<void> {
  try {
    const stat = await fs.promises.stat(file);
    if (!stat.isFile()) throw new Error("not a regular file");
    await fs.promises.access(file, fs.constants.R_OK);
  } catch (err) {
    const cause = err instanceof Error ? ((err as NodeJS.ErrnoException).code ?? err.message) : String(err);
    throw new Error(`ingest: cannot read ${file}: ${cause}`);
  }
}

/** Passes bytes through unchanged while hashing them, so the file is read once. */
class HashTap extends Transform {
  constructor(private readonly hash: Hash) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    done(null, chunk);
  }
}

/** Counts the newlines of the decompressed text, so a gzip that breaks off can name its line. */
class NewlineCounter extends Transform {
  newlines = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) this.newlines += 1;
    done(null, chunk);
  }
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf("\n"); i !== -1; i = s.indexOf("\n", i + 1)) n += 1;
  return n;
}

/**
 * A streaming CSV reader over a plain or gzip file: bytes -> (gunzip) -> csv-parse, one chunk
 * in memory at a time. Records are arrays of raw strings (no casting, no trimming).
 *
 * Line numbers are tracked here rather than with csv-parse's `info` option, which costs
 * about as much as the parse itself: each record advances the line by one plus the newlines
 * inside its quoted fields. Blank lines are skipped but counted.
 */
export class CsvReader {
  /** 1-based file line where the record last yielded by {@link records} starts. */
  line = 0;
  /**
   * For a gzip file, the line the decompressed text had reached when reading stopped: where a
   * truncated file breaks off (records parsed but not yet yielded are lost on an error).
   */
  decodedLine = 1;
  private readonly hash = createHash("sha256");
  private digest: string | null = null;

  private constructor(
    readonly file: string,
    readonly gzip: boolean,
  ) {}

  /** @throws Error when the file is missing or unreadable (operational, not a report error) */
  static async open(file: string): Promise<CsvReader> {
    await assertReadableFile(file);
    return new CsvReader(file, await isGzip(file));
  }

  /** sha256 (hex) of the file's bytes as stored; available once {@link records} has finished. */
  get sha256(): string {
    if (this.digest === null) throw new Error("CsvReader: sha256 is known only after the whole file was read");
    return this.digest;
  }

  /**
   * Yields every non-blank record, header included (it is the first record, line 1 unless
   * the file opens with blank lines); `line` is the record's line while it is being handled.
   * Convenient for small files; loaders use {@link batches}.
   *
   * @throws as {@link batches}
   */
  async *records(): AsyncGenerator<string[]> {
    for await (const batch of this.batches()) {
      for (let i = 0; i < batch.records.length; i++) {
        this.line = batch.lines[i];
        yield batch.records[i];
      }
    }
  }

  /**
   * Yields the non-blank records in batches of whatever the parser has ready (at most
   * {@link BATCH_RECORDS}), with each record's first line: one await per batch instead of per
   * record, which matters at hundreds of thousands of rows per second.
   *
   * @throws CorruptFileError when gunzip fails (truncated or damaged gzip)
   * @throws MalformedCsvError when csv-parse rejects the text (with the line it stopped at)
   * @throws the underlying error for I/O failures
   */
  async *batches(): AsyncGenerator<RecordBatch> {
    const source = fs.createReadStream(this.file, { highWaterMark: 1 << 20 });
    const parser: Parser = parse({ relax_column_count: true, bom: true });
    const stages: NodeJS.ReadWriteStream[] = [new HashTap(this.hash)];
    const counter = new NewlineCounter();
    if (this.gzip) stages.push(zlib.createGunzip(), counter);
    // Errors surface through `finished` below; the callback only keeps them from being unhandled.
    pipeline([source, ...stages, parser], () => {});

    let failure: unknown = null;
    let ended = false;
    let wake: (() => void) | null = null;
    const notify = () => {
      const w = wake;
      wake = null;
      w?.();
    };
    parser.on("readable", notify);
    finished(parser, { writable: false }, (err) => {
      if (err) failure = err;
      ended = true;
      notify();
    });

    let next = 1;
    try {
      for (;;) {
        const records: string[][] = [];
        const lines: number[] = [];
        let record: string[] | null;
        while (records.length < BATCH_RECORDS && !parser.destroyed && (record = parser.read() as string[] | null) !== null) {
          const line = next;
          let inner = 0;
          for (let i = 0; i < record.length; i++) {
            if (record[i].indexOf("\n") !== -1) inner += countNewlines(record[i]);
          }
          next += 1 + inner;
          if (record.length === 1 && record[0] === "") continue;
          records.push(record);
          lines.push(line);
        }
        if (records.length > 0) {
          yield { records, lines };
          continue;
        }
        if (failure !== null) throw failure;
        if (ended) break;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } catch (err) {
      this.decodedLine = counter.newlines + 1;
      throw classify(err, next);
    } finally {
      // An early return (a wrong header) must not leave the file open.
      if (!ended) parser.destroy();
    }
    this.digest = this.hash.digest("hex");
  }
}

/** Records of one {@link CsvReader.batches} step and the line each starts on. */
export interface RecordBatch {
  records: string[][];
  lines: number[];
}

/** Upper bound of records per batch (the parser usually has fewer ready). */
const BATCH_RECORDS = 4096;

function classify(err: unknown, nextLine: number): unknown {
  if (err instanceof CsvError) {
    const line = typeof (err as CsvError & { lines?: number }).lines === "number" ? (err as CsvError & { lines: number }).lines : nextLine;
    return new MalformedCsvError(`malformed CSV: ${err.message}`, line);
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === "string" && code.startsWith("Z_")) {
    return new CorruptFileError(`file is truncated or corrupt: ${(err as Error).message}`);
  }
  return err;
}
