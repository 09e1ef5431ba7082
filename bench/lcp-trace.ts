/**
 * Where a page's first paint and largest contentful paint go (issue 19 item 10): one load of each
 * given page in a fresh signed-in chromium context (the bench's browser and flags), with a
 * Chromium performance trace; prints the timeline from the navigation's start in ms: each
 * response (request sent, first byte, finished), the paints (first paint, FCP, every LCP
 * candidate with its size), and every main-thread task of the page's renderer over 4 ms with
 * what it spent its time on (script evaluation by URL, compilation, HTML parsing, style and
 * layout, paint, timers), up to the last LCP candidate plus 100 ms.
 *
 * Against a running server (`npx next start -p PORT`, or bench/load.ts's); signs in as the
 * demo owner of Online Retail (`owner@online-retail.demo`, the demo password).
 *
 * Usage: npx tsx bench/lcp-trace.ts --port 3300 [--locale ru] [--keep trace.json] /login /m/online-retail …
 */
import fs from "node:fs";
import { parseArgs } from "node:util";
import { chromium } from "@playwright/test";
import { signInCookies } from "./signIn";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: "string", default: "3300" },
    locale: { type: "string", default: "en" },
    keep: { type: "string" },
    email: { type: "string", default: "owner@online-retail.demo" },
    password: { type: "string", default: "demo-password-2026" },
  },
});
const BASE = `http://127.0.0.1:${values.port}`;
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** Auth.js's credentials sign-in; the session's cookies for the browser context. */
async function signIn(): Promise<Array<{ name: string; value: string; url: string }>> {
  const jar = await signInCookies(BASE, values.email!, values.password!);
  jar.set("NEXT_LOCALE", values.locale!);
  return [...jar].map(([name, value]) => ({ name, value, url: BASE }));
}

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: Record<string, unknown>; frame?: string };
}

function report(events: TraceEvent[], path: string): void {
  const nav = events.find((e) => e.name === "navigationStart" && String(e.args?.data?.documentLoaderURL ?? "").startsWith(BASE));
  if (!nav) {
    console.log("no navigationStart in the trace");
    return;
  }
  const t0 = nav.ts;
  const ms = (ts: number) => ((ts - t0) / 1000).toFixed(0).padStart(5);
  const main = events.find((e) => e.ph === "M" && e.name === "thread_name" && e.pid === nav.pid && e.args?.name === "CrRendererMain");
  const tid = main?.tid ?? nav.tid;
  console.log(`\n## ${path}`);
  // Responses: request sent → first byte → finished (the browser process reports them).
  const byId = new Map<string, { url: string; send?: number; response?: number; finish?: number; size?: number }>();
  for (const e of events) {
    const d = e.args?.data as { requestId?: string; url?: string; encodedDataLength?: number } | undefined;
    if (!d?.requestId) continue;
    const r = byId.get(d.requestId) ?? { url: "" };
    if (e.name === "ResourceSendRequest") Object.assign(r, { url: d.url ?? "", send: e.ts });
    if (e.name === "ResourceReceiveResponse") r.response = e.ts;
    if (e.name === "ResourceFinish") Object.assign(r, { finish: e.ts, size: d.encodedDataLength });
    byId.set(d.requestId, r);
  }
  console.log("responses (ms: sent / first byte / finished, bytes):");
  for (const r of [...byId.values()].filter((r) => r.send).sort((a, b) => a.send! - b.send!)) {
    console.log(`  ${ms(r.send!)} ${r.response ? ms(r.response) : "    ?"} ${r.finish ? ms(r.finish) : "    ?"} ${String(r.size ?? "?").padStart(8)}  ${r.url.replace(BASE, "")}`);
  }
  const paints = events
    .filter((e) => e.pid === nav.pid && ["firstPaint", "firstContentfulPaint", "largestContentfulPaint::Candidate", "firstMeaningfulPaint", "MarkDOMContent", "MarkLoad"].includes(e.name))
    .sort((a, b) => a.ts - b.ts);
  const lcpEnd = Math.max(...paints.filter((e) => e.name === "largestContentfulPaint::Candidate").map((e) => e.ts), nav.ts);
  console.log("paints and marks:");
  for (const p of paints) {
    const d = p.args?.data as { size?: number; type?: string; nodeId?: number } | undefined;
    console.log(`  ${ms(p.ts)} ${p.name}${d?.size ? ` size ${d.size} ${d.type ?? ""}` : ""}`);
  }
  // Main-thread tasks of the page's renderer, with their children's time by kind.
  const mainEvents = events.filter((e) => e.pid === nav.pid && e.tid === tid && e.ph === "X" && e.dur !== undefined);
  const tasks = mainEvents.filter((e) => e.name === "RunTask" && e.ts >= t0 - 50_000 && e.ts <= lcpEnd + 100_000 && e.dur! >= 4000);
  const kinds = ["EvaluateScript", "v8.compile", "v8.compileModule", "v8.parseOnBackground", "ParseHTML", "UpdateLayoutTree", "Layout", "Paint", "PrePaint", "Layerize", "TimerFire", "FunctionCall", "EventDispatch", "ParseAuthorStyleSheet", "FireAnimationFrame", "v8.run", "MajorGC", "MinorGC", "V8.GC_SCAVENGER", "BlinkGC.AtomicPhase", "CommitLoad", "ResourceReceivedData"];
  console.log("main-thread tasks ≥ 4 ms (start, duration, what inside):");
  for (const task of tasks) {
    const inside = mainEvents.filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur! <= task.ts + task.dur! && kinds.includes(e.name));
    const agg = new Map<string, number>();
    for (const e of inside) {
      const url = String((e.args?.data as { url?: string } | undefined)?.url ?? "").replace(BASE, "").slice(-48);
      const key = e.name === "EvaluateScript" || e.name === "v8.compile" ? `${e.name} ${url}` : e.name;
      agg.set(key, (agg.get(key) ?? 0) + e.dur!);
    }
    const parts = [...agg].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`);
    console.log(`  ${ms(task.ts)} ${(task.dur! / 1000).toFixed(1).padStart(6)}  ${parts.join("; ")}`);
  }
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
const cookies = await signIn();
for (const path of positionals) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addCookies(path === "/login" ? cookies.filter((c) => c.name === "NEXT_LOCALE") : cookies);
  const page = await context.newPage();
  await browser.startTracing(page, {
    categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "blink.user_timing", "loading", "toplevel", "v8", "v8.execute", "blink"],
  });
  await page.goto(`${BASE}${path}`, { waitUntil: "load" });
  await page.waitForTimeout(1500);
  const buf = await browser.stopTracing();
  if (values.keep) fs.writeFileSync(values.keep.replace(/(\.json)?$/, `-${path.replace(/\W+/g, "_")}.json`), buf);
  const json = JSON.parse(buf.toString("utf8")) as { traceEvents: TraceEvent[] };
  report(json.traceEvents, path);
  await context.close();
}
await browser.close();
