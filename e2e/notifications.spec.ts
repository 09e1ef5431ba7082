import { expect, test } from "@playwright/test";
import fs from "node:fs";
import path from "node:path";
import { login, shots } from "./support";

/*
 * Issue 15, alerts in the app: the e2e bank's model pass queued an `alerts` job after each
 * merchant's findings (lib/jobs/alerts.ts), so the Online Retail owner (Business plan) has the
 * first run's significant findings as notifications. The header's badge counts exactly the unread
 * ones; "mark all as read" clears both; the settings page keeps what was saved, in English and
 * Russian.
 */

const OWNER = "owner@online-retail.demo";

test("alerts arrive in the app: the badge counts the unread, marking them read clears it (en, ru)", async ({ page }) => {
  await login(page, OWNER);
  await page.goto("/notifications");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Notifications");
  const unread = page.locator('[data-testid="notification"].unread');
  await expect(unread.first()).toBeVisible();
  const count = await unread.count();
  await expect(page.getByTestId("unread-count")).toHaveText(String(count));
  // every notification names its merchant and opens a page of it
  await expect(page.getByTestId("notification").first()).toContainText("Online Retail");
  await page.screenshot({ path: path.join(shots, "notifications-en.png"), fullPage: true });

  await page.getByTestId("locale-ru").click();
  await expect(page.locator("html")).toHaveAttribute("lang", "ru");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Уведомления");
  await expect(page.getByTestId("mark-read")).toHaveText("Отметить все прочитанными");
  await page.getByTestId("mark-read").click();
  await expect(page.getByTestId("unread-count")).toHaveCount(0);
  await expect(unread).toHaveCount(0);
  await expect(page.getByTestId("notification")).toHaveCount(count);
  await page.screenshot({ path: path.join(shots, "notifications-ru.png"), fullPage: true });
  await page.getByTestId("locale-en").click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
});

test("notification settings keep the digest day and the kinds that were saved", async ({ page }) => {
  await login(page, OWNER);
  await page.goto("/settings");
  const day = page.getByTestId("digest-day");
  const before = await day.inputValue();
  const chosen = before === "3" ? "5" : "3";
  await day.selectOption(chosen);
  await page.locator('input[name="allKinds"]').uncheck();
  await page.locator('input[name="kind"][value="seasonality"]').uncheck();
  await page.getByTestId("settings-save").click();
  await expect(page.getByTestId("settings-saved")).toHaveText("Settings saved.");

  await page.goto("/settings");
  await expect(page.getByTestId("digest-day")).toHaveValue(chosen);
  await expect(page.locator('input[name="allKinds"]')).not.toBeChecked();
  await expect(page.locator('input[name="kind"][value="seasonality"]')).not.toBeChecked();
  await expect(page.locator('input[name="kind"][value="metricChange"]')).toBeChecked();

  // put the defaults back, so a re-run starts from them
  await page.getByTestId("digest-day").selectOption(before);
  await page.locator('input[name="allKinds"]').check();
  await page.locator('input[name="kind"][value="seasonality"]').check();
  await page.getByTestId("settings-save").click();
  await expect(page.getByTestId("settings-saved")).toBeVisible();
});

test("alert e-mails reach the mailbox with a one-click unsubscribe link the server accepts", async ({ page }) => {
  // The preparation queued its alerts' e-mails; the server's worker delivers the outbox every
  // minute into the e2e mailbox (MAIL_CAPTURE_DIR). Before UNSUBSCRIBE_SECRET was configured for
  // the production-mode server, every one failed ("UNSUBSCRIBE_SECRET must be set") and none came.
  const dir = path.resolve(".data/e2e/mail");
  type Mail = { to: string; subject: string; text: string; headers?: Record<string, string> };
  let alert: Mail | undefined;
  await expect
    .poll(
      () => {
        const files = fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
        alert = files.map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as Mail).find((m) => m.to === OWNER && m.headers?.["List-Unsubscribe"]);
        return alert !== undefined;
      },
      { timeout: 150_000, intervals: [2_000] },
    )
    .toBe(true);
  expect(alert!.headers!["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
  const header = /^<(http:\/\/127\.0\.0\.1:\d+\/api\/unsubscribe\?u=[^&>]+&l=alerts&s=[A-Za-z0-9_-]{43})>$/.exec(alert!.headers!["List-Unsubscribe"]);
  expect(header).not.toBeNull();
  const link = /http:\/\/127\.0\.0\.1:\d+\/unsubscribe\?\S+/.exec(alert!.text)?.[0];
  expect(link).toBeDefined();
  // the link in the text asks first, then the server verifies the signature and turns alerts off
  await page.goto(new URL(link!).pathname + new URL(link!).search);
  await page.getByTestId("unsubscribe-confirm").click();
  await expect(page.getByTestId("unsubscribe-done")).toBeVisible();
});
