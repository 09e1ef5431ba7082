import { expect, test } from "@playwright/test";
import fs from "node:fs";
import path from "node:path";
import { login, readExpected, shots } from "./support";

/*
 * Offers (issue 16): the merchant owner previews and creates an offer for an audience; the
 * server's worker writes the bank's delivery file (bank customer ids, never shown to the
 * merchant); an offer whose planted outcome e2e/prepare.ts loaded and measured shows its
 * incremental revenue with its 95 % interval and ROI, in English and in Russian, at 1280 and 390 px.
 * It runs on CDNOW as its owner (e2e/prepare.ts: a merchant whose figures no other spec reads, its
 * outcome loaded and its models refitted before any figure is read), so it cannot change what the
 * other specs compare.
 */

interface Expected {
  password: string;
  offers: { email: string; slug: string; measuredId: number; deliveryDir: string } | null;
}
const expected = readExpected<Expected>();

test("owner creates an offer, the bank's delivery file appears, and a measured offer shows its effect with an interval in both languages", async ({ page }) => {
  test.skip(expected.offers === null, "no CDNOW merchant (../shared/data absent): e2e/prepare.ts prepared no offer");
  test.setTimeout(180_000);
  const offers = expected.offers!;
  const owner = { email: offers.email, slug: offers.slug };
  await page.setViewportSize({ width: 1280, height: 900 });
  await login(page, owner.email);
  await page.goto(`/m/${owner.slug}/offers`);
  await expect(page.getByTestId("nav-offers")).toHaveAttribute("aria-current", "page");
  const name = `E2E offer ${Date.now().toString(36)}`;
  await page.getByTestId("offer-name").fill(name);
  await page.getByTestId("offer-audience").selectOption("all");
  await page.getByTestId("offer-preview").click();
  await expect(page.getByTestId("offer-preview-panel")).toBeVisible();
  const size = await page.getByTestId("offer-preview-size").innerText();
  expect(Number(size.replace(/\D/g, ""))).toBeGreaterThanOrEqual(10);
  await page.getByTestId("offer-submit").click();
  await expect(page.getByTestId("offer-created")).toBeVisible();
  await expect(page.getByTestId("offer-list")).toContainText(name);
  await page.screenshot({ path: path.join(shots, "offers-en-1280.png"), fullPage: true });
  const href = await page.getByTestId("offer-open").getAttribute("href");
  const id = Number(href!.split("/").pop());

  // The worker (in the server) delivers: offer-ID.json and .csv appear in the bank's folder.
  const file = path.join(offers.deliveryDir, `offer-${id}.json`);
  await expect.poll(() => fs.existsSync(file), { timeout: 90_000, intervals: [1000] }).toBe(true);
  const doc = JSON.parse(fs.readFileSync(file, "utf8")) as { format: string; offerId: number; customers: { bankCustomerId: string }[] };
  expect(doc.format).toBe("offer-delivery/1");
  expect(doc.offerId).toBe(id);
  expect(doc.customers.length).toBeGreaterThan(0);
  // The merchant's page never shows a bank customer id.
  await page.goto(`/m/${owner.slug}/offers/${id}`);
  await expect(page.getByTestId("offer-timeline")).toContainText("Delivered by the bank");
  expect(await page.content()).not.toContain(doc.customers[0].bankCustomerId);

  // The measured offer (outcome loaded by prepare): effect with its interval, ROI, segments.
  await page.goto(`/m/${owner.slug}/offers/${offers.measuredId}`);
  await expect(page.getByTestId("offer-revenue-ci")).toContainText("95 % interval");
  await expect(page.getByTestId("kpi-offer-roi")).toBeVisible();
  await expect(page.getByTestId("offer-segments")).toBeVisible();
  await page.screenshot({ path: path.join(shots, "offer-result-en-1280.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(shots, "offer-result-en-390.png"), fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);

  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByTestId("locale-ru").click();
  await expect(page.getByTestId("offer-revenue-ci")).toContainText("95 % интервал");
  await expect(page.getByTestId("kpi-offer-revenue")).toContainText("Дополнительная выручка");
  await page.screenshot({ path: path.join(shots, "offer-result-ru-1280.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(shots, "offer-result-ru-390.png"), fullPage: true });
  await page.goto(`/m/${owner.slug}/offers`);
  await expect(page.getByTestId("offer-list")).toContainText(name);
  await page.screenshot({ path: path.join(shots, "offers-ru-390.png"), fullPage: true });
  await page.getByTestId("locale-en").click();
});
