import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LOCALES, NAMESPACES } from "@/lib/i18n/config";
import { mergeMessages, pickMessages, ROOT_CLIENT_MESSAGES, type MessageTree } from "@/lib/i18n/client-messages";
import { appEntries, clientMessagePaths, covered, declaredPaths, grantedPaths, REPO_ROOT } from "../helpers/clientMessages";

/*
 * ADR 0034: the browser gets only the message paths its page's client components read. A path a
 * client component reads but its page does not hand down renders as a raw key ("churn.kpi.title"),
 * so each page's list is checked against its components, statically, for every page and layout.
 */

const catalogue = (locale: string): MessageTree =>
  Object.fromEntries(NAMESPACES.map((ns) => [ns, JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "messages", locale, `${ns}.json`), "utf8"))]));

const rel = (f: string) => path.relative(REPO_ROOT, f);
const overview = path.join(REPO_ROOT, "app/m/[slug]/page.tsx");

describe("pickMessages / mergeMessages", () => {
  const tree: MessageTree = { a: { b: { c: "C", d: "D" }, e: "E" }, f: { g: "G" } };

  it("keeps the nesting of each path and merges overlapping ones", () => {
    expect(pickMessages(tree, ["a.b.c"])).toEqual({ a: { b: { c: "C" } } });
    expect(pickMessages(tree, ["a.b.c", "a.e", "f"])).toEqual({ a: { b: { c: "C" }, e: "E" }, f: { g: "G" } });
    expect(pickMessages(tree, ["a.b.c", "a.b"])).toEqual({ a: { b: { c: "C", d: "D" } } });
    expect(pickMessages(tree, [])).toEqual({});
  });

  it("throws on a path that is not in the catalogue", () => {
    expect(() => pickMessages(tree, ["a.x"])).toThrow('no messages at "a.x"');
    expect(() => pickMessages(tree, ["a.b.c.d"])).toThrow('no messages at "a.b.c.d"');
  });

  it("merges to any depth without changing either side", () => {
    const above = { a: { b: { c: "C" } }, common: { x: "X" } };
    const page = { a: { b: { d: "D" }, e: "E" } };
    expect(mergeMessages(above, page)).toEqual({ a: { b: { c: "C", d: "D" }, e: "E" }, common: { x: "X" } });
    expect(above).toEqual({ a: { b: { c: "C" } }, common: { x: "X" } });
  });
});

describe("each page hands its client components the messages they read", () => {
  const entries = appEntries();

  it("finds the pages and reads every translator statically", () => {
    expect(entries.length).toBeGreaterThanOrEqual(45);
    for (const entry of entries) expect(clientMessagePaths(entry).errors, rel(entry)).toEqual([]);
  });

  it("covers every path a client component reads, on every page and layout", () => {
    const missing: string[] = [];
    for (const entry of entries) {
      const granted = grantedPaths(entry, ROOT_CLIENT_MESSAGES);
      for (const [p, from] of clientMessagePaths(entry).paths) {
        if (!covered(p, granted)) missing.push(`${rel(entry)}: ${p} (read by ${from.join(", ")})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("fails when a page leaves out what one of its components reads", () => {
    // The overview without "findings": the streamed findings feed and forecast would show raw keys.
    const granted = grantedPaths(overview, ROOT_CLIENT_MESSAGES).filter((p) => p !== "findings");
    const uncovered = [...clientMessagePaths(overview).paths].filter(([p]) => !covered(p, granted));
    expect(uncovered).toEqual([
      ["findings", ["components/findings/FindingsFeed.tsx"]],
      ["findings.forecast", ["components/findings/ForecastCard.tsx"]],
    ]);
  });

  it("lists only paths that exist in both languages", () => {
    const lists = [ROOT_CLIENT_MESSAGES, ...entries.map(declaredPaths).filter((l): l is string[] => l !== null)];
    expect(lists.length).toBeGreaterThanOrEqual(20);
    for (const locale of LOCALES) for (const list of lists) expect(() => pickMessages(catalogue(locale), list)).not.toThrow();
  });

  it("sends a merchant tab a fraction of the catalogue", () => {
    // The catalogue is what every page shipped before (about 92 KB of JSON in English, 138 KB in
    // Russian's UTF-8); the overview now ships the root list plus its own.
    for (const locale of LOCALES) {
      const all = catalogue(locale);
      const bytes = (t: MessageTree) => Buffer.byteLength(JSON.stringify(t));
      const root = bytes(pickMessages(all, ROOT_CLIENT_MESSAGES));
      const page = bytes(pickMessages(all, grantedPaths(overview, ROOT_CLIENT_MESSAGES)));
      expect(root / bytes(all), locale).toBeLessThan(0.05);
      expect(page / bytes(all), locale).toBeLessThan(0.3);
    }
  });
});
