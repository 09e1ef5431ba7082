import { expect, test, type Page } from "@playwright/test";
import ExcelJS from "exceljs";
import path from "node:path";
import { currencyDigits, formatMoney, formatNumber } from "../lib/format";
import { login, readExpected, shots } from "./support";

/*
 * The merchant API as an owner uses it (ADR 0008): create a token in the API tab (shown once),
 * call /api/v1 with it from a client without cookies, download the overview's CSV and XLSX with
 * it, and compare the files' figures with what the overview page shows for the same period.
 * Then revoke the token in the UI: the API answers 401.
 */

interface Expected {
  owner: { email: string; slug: string; from: string; to: string };
  otherSlug: string;
  password: string;
  metrics: { currency: string; grossSalesMinor: number; netRevenueMinor: number; purchases: number; customers: number; averageCheckMinor: number };
}
const expected = readExpected<Expected>();

const kpiText = async (page: Page, key: string) => (await page.getByTestId(`kpi-${key}`).getByTestId("kpi-value").innerText()).trim();

test("an owner creates a token, the API and its CSV/XLSX exports match the page, revoking it closes the API", async ({ page, playwright, baseURL }) => {
  const { owner, metrics } = expected;
  const period = `from=${owner.from}&to=${owner.to}`;
  await login(page, owner.email);

  // The page's figures for the period.
  await page.goto(`/m/${owner.slug}?${period}`);
  const shown = {
    netRevenue: await kpiText(page, "netRevenueMinor"),
    grossSales: await kpiText(page, "grossSalesMinor"),
    averageCheck: await kpiText(page, "averageCheckMinor"),
    purchases: await kpiText(page, "purchases"),
    customers: await kpiText(page, "customers"),
  };
  expect(shown.netRevenue).toBe(formatMoney(metrics.netRevenueMinor, metrics.currency, "en"));
  // The page offers the same export (Business plan) for its period.
  await expect(page.getByTestId("export-overview-xlsx")).toHaveAttribute("href", `/api/m/${owner.slug}/overview/export?format=xlsx&from=${owner.from}&lang=en&to=${owner.to}`);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: path.join(shots, "overview-exports-1440.png") });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(shots, "overview-exports-390.png") });
  await page.setViewportSize({ width: 1280, height: 720 });

  // Create a token in the API tab.
  await page.getByTestId("nav-api").click();
  await page.waitForURL(new RegExp(`/m/${owner.slug}/api`));
  await page.getByTestId("token-name").fill("e2e sync");
  await page.getByTestId("token-create").click();
  const token = (await page.getByTestId("token-value").innerText()).trim();
  expect(token).toMatch(/^mi_live_[A-Za-z0-9_-]{43}$/);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: path.join(shots, "api-token-1440.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(shots, "api-token-390.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 720 });

  // A client without cookies: the token is the only credential.
  const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  const anonymous = await playwright.request.newContext({ baseURL });
  try {
    const res = await api.get(`/api/v1/m/${owner.slug}/overview?${period}`);
    expect(res.status()).toBe(200);
    const body = await res.json();
    expect(body.current.netRevenueMinor).toBe(metrics.netRevenueMinor);
    expect(formatMoney(body.current.grossSalesMinor, metrics.currency, "en")).toBe(shown.grossSales);
    expect(formatNumber(body.current.purchases, "en")).toBe(shown.purchases);
    expect(Number(res.headers()["x-ratelimit-limit"])).toBeGreaterThan(0);
    expect((await anonymous.get(`/api/v1/m/${owner.slug}/overview?${period}`)).status()).toBe(401);
    // The browser session (cookies) alone is not accepted on /api/v1.
    expect((await page.request.get(`/api/v1/m/${owner.slug}/overview?${period}`)).status()).toBe(401);
    // Another merchant: the same 404 as an unknown one.
    const other = await api.get(`/api/v1/m/${expected.otherSlug}/overview?${period}`);
    expect(other.status()).toBe(404);

    const digits = currencyDigits(metrics.currency);
    const asMoney = (major: number) => formatMoney(Math.round(major * 10 ** digits), metrics.currency, "en");

    // CSV: row 1 is this period; net revenue, gross sales, purchases, customers, average check.
    const csv = await api.get(`/api/v1/m/${owner.slug}/overview/export?${period}&format=csv&lang=en`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()["content-type"]).toContain("text/csv");
    const [header, first] = (await csv.text()).split("\r\n").map((l) => l.split(","));
    expect(header[0]).toBe("From");
    expect(first.slice(0, 2)).toEqual([owner.from, owner.to]);
    const cells = Object.fromEntries(["netRevenue", "grossSales", "refunds", "purchases", "refundCount", "customers", "new", "returning", "averageCheck"].map((k, i) => [k, Number(first[i + 2])]));
    expect(asMoney(cells.netRevenue)).toBe(shown.netRevenue);
    expect(asMoney(cells.grossSales)).toBe(shown.grossSales);
    expect(asMoney(cells.averageCheck)).toBe(shown.averageCheck);
    expect(formatNumber(cells.purchases, "en")).toBe(shown.purchases);
    expect(formatNumber(cells.customers, "en")).toBe(shown.customers);

    // XLSX: the same figures as numeric cells.
    const xlsx = await api.get(`/api/v1/m/${owner.slug}/overview/export?${period}&format=xlsx&lang=ru`);
    expect(xlsx.status()).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await xlsx.body()) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    expect(sheet.name).toBe("Основные показатели");
    expect(sheet.getRow(1).getCell(3).value).toBe(`Чистая выручка, ${metrics.currency}`);
    const row = sheet.getRow(2);
    expect(asMoney(row.getCell(3).value as number)).toBe(shown.netRevenue);
    expect(asMoney(row.getCell(4).value as number)).toBe(shown.grossSales);
    expect(formatNumber(row.getCell(6).value as number, "en")).toBe(shown.purchases);
    expect(formatNumber(row.getCell(8).value as number, "en")).toBe(shown.customers);
    expect(asMoney(row.getCell(11).value as number)).toBe(shown.averageCheck);

    // The signed-in export (the page's own download) gives the same CSV.
    const sessionCsv = await page.request.get(`/api/m/${owner.slug}/overview/export?${period}&format=csv&lang=en`);
    expect(await sessionCsv.text()).toBe(await (await api.get(`/api/v1/m/${owner.slug}/overview/export?${period}&format=csv&lang=en`)).text());

    // The list shows the last use; revoking closes the API at once.
    await page.reload();
    const prefix = token.slice(0, 16);
    await expect(page.getByTestId(`token-${prefix}`).getByTestId("token-last-used")).not.toHaveText(/never/);
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByTestId(`revoke-${prefix}`).click();
    await expect(page.getByTestId(`token-${prefix}`)).toContainText("revoked");
    expect((await api.get(`/api/v1/m/${owner.slug}/overview?${period}`)).status()).toBe(401);

    // The tab in Russian.
    await page.getByTestId("locale-ru").click();
    await expect(page.locator("html")).toHaveAttribute("lang", "ru");
    await expect(page.getByTestId(`token-${prefix}`)).toContainText("отозван");
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: path.join(shots, "api-token-ru-1440.png"), fullPage: true });
  } finally {
    await api.dispose();
    await anonymous.dispose();
  }
});

test("the API reference renders the generated OpenAPI document offline", async ({ page }) => {
  await login(page, expected.owner.email);
  await page.goto("/developers");
  await expect(page.getByTestId("api-reference").getByText("Merchant Insights API")).toBeVisible();
  await expect(page.getByText("/api/v1/m/{slug}/overview", { exact: true })).toBeVisible();
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: path.join(shots, "developers-1440.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(shots, "developers-390.png"), fullPage: true });
});
