import { expect, test } from "@playwright/test";
import path from "node:path";
import { login, readExpected, shots } from "./support";

/*
 * The model pages (customer value, churn, segments) for the merchant owner of e2e/prepare.ts.
 * They read the latest stored model runs, which the demo setup computes after loading the data
 * (scripts/demo.ts), so each page must show its main element, not the "none yet" state.
 */

interface Expected {
  owner: { email: string; slug: string };
  password: string;
}
const expected = readExpected<Expected>();


test("merchant owner sees customer value, churn risk and segments from the latest model runs", async ({ page }) => {
  const { owner } = expected;
  await login(page, owner.email);

  await page.goto(`/m/${owner.slug}/value`);
  await expect(page.getByTestId("nav-value")).toHaveAttribute("aria-current", "page");
  await expect(page.getByTestId("clv-histogram")).toBeVisible();
  await expect(page.getByTestId("palive-heatmap")).toBeVisible();
  await expect(page.getByTestId("kpi-customersModelled").getByTestId("kpi-value")).not.toHaveText("");
  // Plain words first: the chance of buying again, not the model's "still active".
  await expect(page.getByTestId("kpi-buyAgain")).toContainText("Will buy again within 12 months");
  await expect(page.getByTestId("model-run")).toBeVisible();
  await page.getByTestId("value-method").locator("summary").click();
  await expect(page.getByTestId("value-citations")).toContainText("Empirical validation and comparison of models for customer base");
  await expect(page.getByTestId("value-still-active")).toBeVisible();
  await page.screenshot({ path: path.join(shots, "value-en.png"), fullPage: true });
  // Issue 17: the next purchase of the most valuable customers, and money said to be revenue
  // while no gross margin is set (with a link to set it).
  await expect(page.getByTestId("next-purchase-table")).toBeVisible();
  await expect(page.getByTestId("value-basis")).toHaveAttribute("data-basis", "revenue");
  // A phone: no KPI figure or date is cut (the table scrolls sideways instead of squeezing them).
  const viewport = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  const cut = await page
    .getByTestId("next-purchase-card")
    .locator(".kpi-value, [data-next-purchase]")
    .evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent));
  expect(cut).toEqual([]);
  await page.getByTestId("next-purchase-card").screenshot({ path: path.join(shots, "value-next-purchase-390.png") });
  if (viewport) await page.setViewportSize(viewport);

  await page.getByTestId("nav-churn").click();
  await page.waitForURL(new RegExp(`/m/${owner.slug}/churn`));
  await expect(page.getByTestId("churn-horizon")).toContainText(/buy nothing in the next \d+ days/);
  // A per-customer win-back list only from a model clearly better than random (DeLong interval).
  const churnDoc = await (await page.request.get(`/api/m/${owner.slug}/churn`)).json();
  await expect(page.getByTestId("churn-verdict")).toBeVisible();
  await expect(page.getByTestId(churnDoc.run.summary.verdict === "better" ? "revenue-at-risk-table" : "revenue-at-risk-withheld")).toBeVisible();
  // Expert terms only behind the toggle.
  await expect(page.getByTestId("quality-brier")).toBeHidden();
  await page.getByTestId("churn-specialists").locator("summary").click();
  await expect(page.getByTestId("quality-brier")).toBeVisible();
  await expect(page.getByTestId("risk-distribution")).toBeVisible();
  await expect(page.getByTestId("factor-importance")).toBeVisible();
  await page.screenshot({ path: path.join(shots, "churn-en.png"), fullPage: true });

  await page.getByTestId("nav-segments").click();
  await page.waitForURL(new RegExp(`/m/${owner.slug}/segments`));
  await expect(page.getByTestId("segment-tree-table")).toBeVisible();
  await expect(page.getByTestId("segment-tree-chart")).toBeVisible();
  await page.screenshot({ path: path.join(shots, "segments-en.png"), fullPage: true });

  // The API answers with the same document the page was prefetched with.
  for (const endpoint of ["customer-value", "churn", "segment-tree"]) {
    const response = await page.request.get(`/api/m/${owner.slug}/${endpoint}`);
    expect(response.status(), endpoint).toBe(200);
    const body = await response.json();
    expect(body.run, endpoint).not.toBeNull();
  }
});
