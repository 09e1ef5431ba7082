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
  await expect(page.getByTestId("model-run")).toBeVisible();
  await page.getByTestId("value-method").locator("summary").click();
  await expect(page.getByTestId("value-citations")).toContainText("Counting Your Customers");
  await page.screenshot({ path: path.join(shots, "value-en.png"), fullPage: true });

  await page.getByTestId("nav-churn").click();
  await page.waitForURL(new RegExp(`/m/${owner.slug}/churn`));
  await expect(page.getByTestId("churn-horizon")).toContainText(/buy nothing in the next \d+ days/);
  await expect(page.getByTestId("revenue-at-risk-table")).toBeVisible();
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
