import { describe, expect, it } from "vitest";
import { PgDialect } from "drizzle-orm/pg-core";
import { rawSql } from "@/db/client";

/* rawSql: pg-boss's `$n` SQL as a drizzle fragment (how a queue insert joins the ingest transaction). */
const render = (text: string, values?: unknown[]) => new PgDialect().sqlToQuery(rawSql(text, values));

describe("rawSql", () => {
  it("maps $1…$12 in order, repeated ones too, and sends values as node-postgres would (text)", () => {
    const q = render("select $1::int, $12, $2, $1 where x = any($3::text[]) and d = $4::jsonb and t = $5 and b = $6", [
      7,
      "a",
      ["x", 'q"uote', "back\\slash", null],
      { k: 1 },
      new Date("2026-01-02T03:04:05.000Z"),
      true,
      null,
      null,
      null,
      null,
      null,
      "twelve",
    ]);
    expect(q.sql).toBe("select $1::int, $2, $3, $4 where x = any($5::text[]) and d = $6::jsonb and t = $7 and b = $8");
    expect(q.params).toEqual(["7", "twelve", "a", "7", '{"x","q\\"uote","back\\\\slash",NULL}', '{"k":1}', "2026-01-02T03:04:05.000Z", "true"]);
  });

  it("leaves text without parameters alone and refuses a parameter that was not given", () => {
    expect(render("select 1; select '$$ not a param $$'").sql).toBe("select 1; select '$$ not a param $$'");
    expect(() => rawSql("select $2", [1])).toThrow(/parameter \$2 not given \(1 values\)/);
  });
});
