/**
 * Load and page speed (issue 14 "Load", issue 19 item 10), against `next start` on the e2e
 * database (.data/e2e, made by e2e/prepare.ts; run `npx next build` first). Not run in CI.
 *
 * 1. Throughput: autocannon, 100 connections for `--seconds` each, signed in as the demo owner:
 *    a static file of the same server (/icon.svg, the baseline), the merchant's overview page and
 *    the overview API. Figures: req/s, p50/p99 latency, errors/timeouts, and each as a ratio to
 *    the static file's, to cancel machine noise.
 * 2. Page speed: Playwright in Debian's chromium, each page loaded `--loads` times in a fresh
 *    signed-in context; largest contentful paint (PerformanceObserver, buffered) median and p95,
 *    and the ratio to the light /login page of the same server; the median time to first byte
 *    and first contentful paint, and which element the largest content of the median load was.
 *
 * With `--database-url postgres://…` the server runs on that PostgreSQL database instead (prepared
 * by `DATABASE_URL=… DEMO_DIR=.data/loadbench npx tsx scripts/demo.ts --setup-only --small`); the
 * demo owner of Online Retail and November 2011 are then used. A fourth target rotates the
 * overview API over every merchant the demo relationship manager holds (a merchant base, not one
 * hot key: no cache of one answer can carry it).
 *
 * Usage: npx tsx bench/load.ts [--port 3200] [--seconds 10] [--loads 7] [--database-url URL] [--skip-pages] [--skip-throughput]
 *   [--processes N] (N `next start` processes on one port, scripts/serve.ts; needs --database-url)
 *   [--locale en|ru] (the pages' language, by the NEXT_LOCALE cookie; default en)
 *   [--pages main|all] (main: /login and the six analytics tabs measured since issue 19; all: also
 *   the owner's other tabs and, on PostgreSQL, the relationship manager's /portfolio)
 * Before each target and the page loads it waits until the server answers the static file within
 * 200 ms again (a previous target's timed-out requests still render).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { chromium } from "@playwright/test";
import { signInCookies } from "./signIn";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "3200" },
    seconds: { type: "string", default: "10" },
    loads: { type: "string", default: "7" },
    "database-url": { type: "string" },
    "skip-pages": { type: "boolean", default: false },
    "skip-throughput": { type: "boolean", default: false },
    processes: { type: "string", default: "1" },
    locale: { type: "string", default: "en" },
    pages: { type: "string", default: "all" },
  },
});
const BASE = `http://127.0.0.1:${values.port}`;
const DATABASE_URL = values["database-url"] ?? "";
type Expected = { owner: { email: string; slug: string; from: string; to: string }; password: string };
const expected: Expected = DATABASE_URL
  ? { owner: { email: "owner@online-retail.demo", slug: "online-retail", from: "2011-11-01", to: "2011-12-01" }, password: "demo-password-2026" }
  : (JSON.parse(fs.readFileSync(path.resolve("test-results/e2e-expected.json"), "utf8")) as Expected);

/**
 * Waits until the server has worked off what a previous target left queued (timed-out requests
 * still render after autocannon gave up on them): until the static file answers within 200 ms,
 * at most 60 s.
 */
async function settle(): Promise<void> {
  for (let i = 0; i < 60; i += 1) {
    const started = performance.now();
    await fetch(`${BASE}/icon.svg`).catch(() => null);
    if (performance.now() - started < 200) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function waitUp(): Promise<void> {
  for (let i = 0; i < 240; i += 1) {
    try {
      if ((await fetch(`${BASE}/login`)).ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("server did not start");
}

/** Signs in through Auth.js's credentials endpoint; returns the Cookie header of the session. */
async function signIn(email = expected.owner.email): Promise<string> {
  const jar = await signInCookies(BASE, email, expected.password);
  return [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))];
};

/**
 * The overview API paths of the merchants the demo relationship manager may open, each for its
 * own last 30 days of data (the period the portfolio API shows for it).
 */
async function portfolioPaths(cookie: string): Promise<string[]> {
  const res = await fetch(`${BASE}/api/portfolio`, { headers: { cookie } });
  if (!res.ok) return [];
  const body = (await res.json()) as { rows: Array<{ slug: string; period: { from: string; to: string } | null }> };
  return body.rows.filter((r) => r.period).map((r) => `/api/m/${r.slug}/overview?from=${r.period!.from}&to=${r.period!.to}`);
}

async function throughput(cookie: string) {
  const { slug, from, to } = expected.owner;
  const rmCookie = await signIn("rm@bank.demo").catch(() => "");
  const rmPaths = rmCookie ? await portfolioPaths(rmCookie) : [];
  type Target = { what: string; url: string; cookie: string; paths?: string[] };
  const targets: Target[] = [
    { what: "static file /icon.svg", url: `${BASE}/icon.svg`, cookie },
    { what: `merchant page /m/${slug}`, url: `${BASE}/m/${slug}?from=${from}&to=${to}`, cookie },
    { what: "overview API", url: `${BASE}/api/m/${slug}/overview?from=${from}&to=${to}`, cookie },
  ];
  if (rmPaths.length > 1) {
    targets.push({ what: `overview API, RM over ${rmPaths.length} merchants`, url: BASE, cookie: rmCookie, paths: rmPaths });
  }
  const rows: Array<{ what: string; rps: number; p50: number; p99: number; bad: number }> = [];
  for (const t of targets) {
    await settle();
    const r = await autocannon({
      url: t.url,
      connections: 100,
      duration: Number(values.seconds),
      headers: { cookie: t.cookie },
      timeout: 10,
      ...(t.paths ? { requests: t.paths.map((p) => ({ method: "GET" as const, path: p })) } : {}),
    });
    rows.push({ what: t.what, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, bad: r.non2xx + r.errors + r.timeouts });
  }
  const base = rows[0].rps;
  console.log("\n| target | req/s | p50 ms | p99 ms | non-2xx/errors/timeouts | req/s vs static |\n|---|---:|---:|---:|---:|---:|");
  for (const r of rows) console.log(`| ${r.what} | ${r.rps.toFixed(1)} | ${r.p50} | ${r.p99} | ${r.bad} | ${(r.rps / base).toFixed(4)} |`);
}

/**
 * The e2e suite's chromium flags (playwright.config.ts), so the bench and the e2e runs see the
 * same browser (measured 2026-12-03: /login's first paint is 576–672 ms with or without them).
 */
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** The browser's cookies for a Cookie header, plus the language cookie. */
function browserCookies(cookie: string): Array<{ name: string; value: string; url: string }> {
  return [...cookie.split("; "), `NEXT_LOCALE=${values.locale}`].filter(Boolean).map((c) => {
    const i = c.indexOf("=");
    return { name: c.slice(0, i), value: c.slice(i + 1), url: BASE };
  });
}

async function pageSpeed() {
  const { slug } = expected.owner;
  // Who loads the page: nobody (signed out), the demo owner, or the demo relationship manager.
  type Load = { path: string; as: "none" | "owner" | "rm" };
  const main: Load[] = [
    { path: "/login", as: "none" },
    ...["", "/customers", "/value", "/churn", "/seasonality", "/findings"].map((tab): Load => ({ path: `/m/${slug}${tab}`, as: "owner" })),
  ];
  // The owner's other tabs a user lands on (the forecast is on Overview and Findings), and the
  // relationship manager's start page (PostgreSQL's demo bank has one; the e2e database's RM is
  // not the bench's).
  const more: Load[] = [
    ...["/segments", "/competitors", "/campaigns", "/offers", "/team", "/billing"].map((tab): Load => ({ path: `/m/${slug}${tab}`, as: "owner" })),
    ...(DATABASE_URL ? [{ path: "/portfolio", as: "rm" } as Load] : []),
  ];
  const pages = values.pages === "main" ? main : [...main, ...more];
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
  const cookiesAs = {
    none: browserCookies(""),
    owner: browserCookies(await signIn()),
    rm: DATABASE_URL ? browserCookies(await signIn("rm@bank.demo")) : [],
  };
  const results: Array<{ page: string; median: number; p95: number; ttfb: number; fcp: number; element: string; html: number }> = [];
  for (const { path: p, as } of pages) {
    const lcps: number[] = [];
    const ttfbs: number[] = [];
    const fcps: number[] = [];
    const elements: string[] = [];
    let html = 0;
    for (let i = 0; i < Number(values.loads); i += 1) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      await context.addCookies(cookiesAs[as]);
      const page = await context.newPage();
      const response = await page.goto(`${BASE}${p}`, { waitUntil: "load" });
      // A tab the plan lacks redirects to the locked view: that would measure another page.
      if (new URL(page.url()).pathname !== p) throw new Error(`${p} led to ${page.url()}`);
      html = (await response?.body())?.length ?? 0;
      const seen = await page.evaluate(
        () =>
          new Promise<{ lcp: number; ttfb: number; fcp: number; element: string }>((resolve) => {
            let last = 0;
            let element = "";
            new PerformanceObserver((list) => {
              for (const e of list.getEntries() as Array<PerformanceEntry & { element?: Element | null; size?: number }>) {
                last = e.startTime;
                // What the largest content is: its tag, the nearest test id and its first words.
                const el = e.element ?? null;
                const owner = el?.closest("[data-testid]")?.getAttribute("data-testid") ?? "-";
                element = el ? `${el.tagName.toLowerCase()} in ${owner}: ${(el.textContent ?? "").trim().slice(0, 40)} (${e.size ?? 0} px²)` : "?";
              }
            }).observe({ type: "largest-contentful-paint", buffered: true });
            const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
            const fcp = performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? 0;
            setTimeout(() => resolve({ lcp: last, ttfb: nav?.responseStart ?? 0, fcp, element }), 1500);
          }),
      );
      lcps.push(seen.lcp);
      ttfbs.push(seen.ttfb);
      fcps.push(seen.fcp);
      elements.push(seen.element);
      await context.close();
    }
    const median = quantile(lcps, 0.5);
    results.push({ page: p, median, p95: quantile(lcps, 0.95), ttfb: quantile(ttfbs, 0.5), fcp: quantile(fcps, 0.5), element: elements[lcps.indexOf(median)], html });
  }
  await browser.close();
  const base = results[0].median;
  console.log(`\nlocale ${values.locale}`);
  console.log("| page | LCP median ms | LCP p95 ms | median vs /login | TTFB median ms | FCP median ms | HTML KiB |\n|---|---:|---:|---:|---:|---:|---:|");
  for (const r of results) {
    console.log(`| ${r.page} | ${r.median.toFixed(0)} | ${r.p95.toFixed(0)} | ${(r.median / base).toFixed(2)} | ${r.ttfb.toFixed(0)} | ${r.fcp.toFixed(0)} | ${(r.html / 1024).toFixed(0)} |`);
  }
  console.log("\nThe largest content of each page's median load:");
  for (const r of results) console.log(`- ${r.page}: ${r.element}`);
}

// One `next start`, or with --processes N (PostgreSQL only) N of them sharing the port (scripts/serve.ts).
const serverCommand = values.processes === "1" ? ["next", "start", "-p", values.port] : ["tsx", "scripts/serve.ts", "--processes", values.processes, "--port", values.port];
const server = spawn("npx", serverCommand, {
  env: { ...process.env, PGLITE_DIR: path.resolve(".data/e2e/pglite"), DATABASE_URL, RUN_WORKER_IN_SERVER: "0" },
  stdio: "ignore",
  detached: true,
});
try {
  await waitUp();
  if (!values["skip-throughput"]) await throughput(await signIn());
  await settle();
  if (!values["skip-pages"]) await pageSpeed();
} finally {
  if (server.pid) process.kill(-server.pid, "SIGTERM");
}
