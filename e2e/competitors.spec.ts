import { expect, test } from "@playwright/test";
import path from "node:path";
import { makeChartFormat } from "../lib/charts/format";
import { formatBenchmark } from "../lib/charts/competitors";
import type { CompetitorReport } from "../lib/privacy/competitors";
import { login, readExpected, shots } from "./support";

interface Expected {
  password: string;
  competitors: { slug: string; from: string; to: string; report: CompetitorReport } | null;
}
const expected = readExpected<Expected>();


test("Competitors page shows the peer count and the benchmark values the CLI prints", async ({ page }) => {
  test.skip(!expected.competitors, "the demo bank has no msk-grocery-1");
  const { slug, from, to, report } = expected.competitors!;
  expect(report.peerGroup.level).not.toBeNull();
  await login(page, "admin@bank.demo");
  await page.goto(`/m/${slug}/competitors?from=${from}&to=${to}`);

  const count = page.getByTestId("peer-count");
  await expect(count).toHaveAttribute("data-peers", String(report.peerGroup.peers));
  await expect(count).toContainText(String(report.peerGroup.peers));
  await expect(page.getByTestId("peer-level")).toHaveAttribute("data-level", report.peerGroup.level!);

  const fmt = makeChartFormat("en", report.merchant.currency);
  for (const b of report.benchmarks) {
    const tile = page.getByTestId(`benchmark-${b.key}`);
    await expect(tile.getByTestId("benchmark-own")).toHaveText(formatBenchmark(b.key, b.own, fmt));
    if (b.peers.released) {
      await expect(tile.getByTestId("benchmark-median")).toHaveText(formatBenchmark(b.key, b.peers.value.median, fmt));
      await expect(tile.getByTestId("benchmark-range")).toHaveText(
        `${formatBenchmark(b.key, b.peers.value.p25, fmt)} – ${formatBenchmark(b.key, b.peers.value.p75, fmt)}`,
      );
    } else {
      await expect(tile.getByTestId("withheld")).toHaveAttribute("data-rule", b.peers.withheld.rule);
    }
  }
  if (report.index.released) await expect(page.getByTestId("competitor-index-chart")).toBeVisible();
  await page.screenshot({ path: path.join(shots, "competitors-en.png"), fullPage: true });

  // The API refuses a period that is not a whole month, quarter or year.
  const bad = await page.request.get(`/api/m/${slug}/competitors?from=2026-09-05&to=2026-09-20`);
  expect(bad.status()).toBe(400);

  await page.getByTestId("locale-ru").click();
  await expect(page.locator("html")).toHaveAttribute("lang", "ru");
  await expect(page.getByTestId("nav-competitors")).toHaveText("Конкуренты");
  await page.screenshot({ path: path.join(shots, "competitors-ru.png"), fullPage: true });
});
