import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { createHash } from "node:crypto";
import { CorruptFileError, CsvReader, MalformedCsvError } from "@/lib/ingest/read";

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ingest-read-"));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

async function readAll(file: string): Promise<{ reader: CsvReader; rows: Array<[number, string[]]> }> {
  const reader = await CsvReader.open(file);
  const rows: Array<[number, string[]]> = [];
  for await (const r of reader.records()) rows.push([reader.line, r]);
  return { reader, rows };
}

/** Reads every record, returning how many there were. */
async function drain(reader: CsvReader): Promise<number> {
  let n = 0;
  for await (const record of reader.records()) n += record.length > 0 ? 1 : 0;
  return n;
}

const TEXT = 'a,b\r\n1,"two\r\nlines"\r\n\r\n3,"x,y"\r\n4,"say ""hi"""\r\n';

describe("CsvReader", () => {
  it("numbers lines from the header = 1, across quoted line breaks and blank lines", async () => {
    const { reader, rows } = await readAll(write("lines.csv", TEXT));
    expect(rows).toEqual([
      [1, ["a", "b"]],
      [2, ["1", "two\r\nlines"]],
      [5, ["3", "x,y"]],
      [6, ["4", 'say "hi"']],
    ]);
    expect(reader.sha256).toBe(createHash("sha256").update(TEXT).digest("hex"));
    expect(reader.gzip).toBe(false);
  });

  it("gunzips by name and by magic bytes, hashing the stored bytes", async () => {
    const gz = zlib.gzipSync(Buffer.from(TEXT));
    for (const name of ["lines.csv.gz", "lines-without-suffix.csv"]) {
      const { reader, rows } = await readAll(write(name, gz));
      expect(reader.gzip).toBe(true);
      expect(rows.map(([line]) => line)).toEqual([1, 2, 5, 6]);
      expect(reader.sha256).toBe(createHash("sha256").update(gz).digest("hex"));
    }
  });

  it("turns a cut gzip into CorruptFileError with the line it broke off at", async () => {
    const body = ["h1,h2", ...Array.from({ length: 5000 }, (_, i) => `${i},${"v".repeat(40)}${i * 7919}`)].join("\n") + "\n";
    const gz = zlib.gzipSync(Buffer.from(body), { level: 1 });
    const file = write("cut.csv.gz", gz.subarray(0, Math.floor(gz.length / 2)));
    const reader = await CsvReader.open(file);
    const seen: number[] = [];
    const error = await (async () => {
      try {
        for await (const record of reader.records()) if (record[0] !== "h1") seen.push(Number(record[0]));
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(CorruptFileError);
    expect((error as Error).message).toBe("file is truncated or corrupt: unexpected end of file");
    // Exactly where the decompressed text stops: the lines that came out whole, plus one.
    const decoded = zlib.gunzipSync(gz.subarray(0, Math.floor(gz.length / 2)), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    const expected = decoded.toString("utf8").split("\n").length;
    expect(reader.decodedLine).toBe(expected);
    expect(reader.decodedLine).toBeGreaterThan(2);
    expect(reader.decodedLine).toBeLessThan(5002);
    // What was handed out before the break is an unbroken prefix of the rows.
    expect(seen).toEqual(Array.from({ length: seen.length }, (_, i) => i));
  });

  it("turns broken quoting into MalformedCsvError with its line", async () => {
    const reader = await CsvReader.open(write("quote.csv", 'a,b\n1,2\n3,"open\n4,5\n'));
    await expect(drain(reader)).rejects.toThrow(MalformedCsvError);
    const again = await CsvReader.open(write("quote2.csv", 'a,b\n1,2\n3,x"y\n'));
    try {
      await drain(again);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(MalformedCsvError);
      expect((err as MalformedCsvError).line).toBe(3);
    }
  });

  it("throws a clear error for a missing file", async () => {
    await expect(CsvReader.open(path.join(dir, "nope.csv"))).rejects.toThrow(
      `ingest: cannot read ${path.join(dir, "nope.csv")}: ENOENT`,
    );
  });
});
