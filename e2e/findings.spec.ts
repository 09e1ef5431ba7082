import { expect, test } from "@playwright/test";
import path from "node:path";
import { login, readExpected, shots } from "./support";

/*
 * Findings and forecasts: the owner's overview shows the findings feed (the same top headlines as
 * `cli findings --json`, computed in e2e/prepare.ts) and the revenue forecast with its bands; the
 * Findings tab shows the whole feed; the relationship manager's portfolio shows the portfolio feed.
 */

interface Expected {
  owner: { email: string; slug: string };
  password: string;
  findings: { count: number; headlines: string[] };
}
const expected = readExpected<Expected>();


test("the overview shows the findings feed and the forecast band; the Findings tab the whole feed", async ({ page }) => {
  const { owner, findings } = expected;
  await login(page, owner.email);
  await page.goto(`/m/${owner.slug}`);
  const feed = page.getByTestId("findings-feed");
  await expect(feed).toBeVisible();
  if (findings.count === 0) {
    await expect(feed).toContainText("Nothing unusual");
  } else {
    const items = feed.getByTestId("finding");
    await expect(items).toHaveCount(Math.min(3, findings.count));
    for (const [i, headline] of findings.headlines.entries()) await expect(items.nth(i)).toContainText(headline);
  }
  await expect(page.getByTestId("forecast-chart")).toBeVisible();
  await expect(page.getByTestId("forecast-accuracy")).toContainText("Forecast accuracy");
  await page.screenshot({ path: path.join(shots, "overview-findings-en.png"), fullPage: true });

  await page.getByTestId("nav-findings").click();
  await page.waitForURL(new RegExp(`/m/${owner.slug}/findings`));
  await expect(page.getByTestId("findings-feed").getByTestId("finding")).toHaveCount(findings.count);
  await expect(page.getByTestId("forecast-table")).toBeVisible();
  await page.screenshot({ path: path.join(shots, "findings-en.png"), fullPage: true });
});

test("the relationship manager sees the portfolio's findings", async ({ page }) => {
  await login(page, "rm@bank.demo");
  await page.goto("/portfolio");
  await expect(page.getByTestId("portfolio-findings")).toBeVisible();
  await expect(page.getByTestId("portfolio-findings-list").getByTestId("finding").first()).toBeVisible();
  await page.screenshot({ path: path.join(shots, "portfolio-findings-en.png"), fullPage: true });
});
