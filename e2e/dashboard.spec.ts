import { expect, test, type Page } from "@playwright/test";
import path from "node:path";
import { formatMoney, formatNumber } from "../lib/format";
import { login, readExpected, shots } from "./support";

interface Expected {
  owner: { email: string; slug: string; from: string; to: string };
  otherSlug: string;
  password: string;
  metrics: {
    currency: string;
    grossSalesMinor: number;
    netRevenueMinor: number;
    refundsMinor: number;
    purchases: number;
    customers: number;
    averageCheckMinor: number;
  };
}
const expected = readExpected<Expected>();


async function kpi(page: Page, key: string) {
  return page.getByTestId(`kpi-${key}`).getByTestId("kpi-value");
}

test("merchant owner sees the CLI's figures, other merchants answer 404, Russian works", async ({ page }) => {
  const { owner, metrics } = expected;
  await login(page, owner.email);
  await page.goto(`/m/${owner.slug}?from=${owner.from}&to=${owner.to}`);
  const money = (minor: number) => formatMoney(minor, metrics.currency, "en");
  await expect(await kpi(page, "grossSalesMinor")).toHaveText(money(metrics.grossSalesMinor));
  await expect(await kpi(page, "netRevenueMinor")).toHaveText(money(metrics.netRevenueMinor));
  await expect(await kpi(page, "averageCheckMinor")).toHaveText(money(metrics.averageCheckMinor));
  await expect(await kpi(page, "purchases")).toHaveText(formatNumber(metrics.purchases, "en"));
  await expect(await kpi(page, "customers")).toHaveText(formatNumber(metrics.customers, "en"));
  await page.screenshot({ path: path.join(shots, "overview-en.png"), fullPage: true });

  await page.goto(`/m/${owner.slug}/customers?from=${owner.from}&to=${owner.to}`);
  await expect(page.getByTestId("segments-table")).toBeVisible();
  // The purchase-frequency table shows what its view answers (the view added as the registry's worked example).
  const frequency = await page.request.get(`/api/m/${owner.slug}/purchase-frequency?from=${owner.from}&to=${owner.to}`);
  expect(frequency.status()).toBe(200);
  const bands = ((await frequency.json()) as { bands: { band: string; customers: number | null }[] }).bands;
  const firstRow = page.getByTestId("purchase-frequency-table").locator("tbody tr").first();
  await expect(firstRow.locator("td").nth(1)).toHaveText(bands[0].customers === null ? "< 5" : formatNumber(bands[0].customers, "en"));
  await page.screenshot({ path: path.join(shots, "customers-en.png"), fullPage: true });

  await page.goto(`/m/${owner.slug}/seasonality?from=${owner.from}&to=${owner.to}`);
  await expect(page.getByTestId("seasonality-heatmap")).toBeVisible();
  await page.screenshot({ path: path.join(shots, "seasonality-en.png"), fullPage: true });

  const foreign = await page.goto(`/m/${expected.otherSlug}`);
  expect(foreign?.status()).toBe(404);
  const foreignApi = await page.request.get(`/api/m/${expected.otherSlug}/overview?from=${owner.from}&to=${owner.to}`);
  expect(foreignApi.status()).toBe(404);

  await page.goto(`/m/${owner.slug}?from=${owner.from}&to=${owner.to}`);
  await page.getByTestId("locale-ru").click();
  await expect(page.locator("html")).toHaveAttribute("lang", "ru");
  const rub = (minor: number) => formatMoney(minor, metrics.currency, "ru");
  await expect(await kpi(page, "grossSalesMinor")).toHaveText(rub(metrics.grossSalesMinor));
  await page.screenshot({ path: path.join(shots, "overview-ru.png"), fullPage: true });
});

test("relationship manager sees the portfolio and opens a merchant", async ({ page }) => {
  await login(page, "rm@bank.demo");
  await page.goto("/portfolio");
  const row = page.getByTestId(`portfolio-row-${expected.owner.slug}`);
  await expect(row).toBeVisible();
  await page.screenshot({ path: path.join(shots, "portfolio.png"), fullPage: true });
  await row.getByRole("link").first().click();
  await page.waitForURL(new RegExp(`/m/${expected.owner.slug}`));
  await expect(page.getByTestId("kpi-grossSalesMinor")).toBeVisible();
});

test("signed-out visitors are sent to the login page", async ({ page }) => {
  await page.goto(`/m/${expected.owner.slug}`);
  await expect(page).toHaveURL(/\/login/);
  await page.screenshot({ path: path.join(shots, "login.png"), fullPage: true });
});
