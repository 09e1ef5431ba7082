import { defineConfig } from "@playwright/test";
import path from "node:path";

/**
 * e2e against `next start` on a prepared embedded database (.data/e2e, made by e2e/prepare.ts,
 * which `npm run e2e` runs first), in Debian's chromium (Playwright cannot download browsers here).
 */
const port = Number(process.env.E2E_PORT ?? 3100);
export const E2E_DIR = path.resolve(".data/e2e");

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/e2e",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  // Two workers: the sweep (e2e/sweep.spec.ts) runs one test per demo user, in parallel (issue 19: ≤ 3 min).
  workers: 2,
  retries: process.env.CI ? 1 : 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    command: `npx next start -p ${port}`,
    url: `http://127.0.0.1:${port}/login`,
    timeout: 120_000,
    reuseExistingServer: false,
    // Invitation links are minted at delivery from APP_URL; the e2e mailbox is a folder of JSON
    // files (lib/mail/delivery.ts mailTransportFromEnv), read by e2e/onboarding.spec.ts and
    // e2e/notifications.spec.ts. `next start` is production: alert e-mails need UNSUBSCRIBE_SECRET.
    env: {
      PGLITE_DIR: path.join(E2E_DIR, "pglite"),
      DATABASE_URL: "",
      APP_URL: `http://127.0.0.1:${port}`,
      MAIL_CAPTURE_DIR: path.join(E2E_DIR, "mail"),
      UNSUBSCRIBE_SECRET: "e2e-unsubscribe-secret-0123456789abcdef",
      WORKER_IDLE_MS: "0",
      OFFER_DELIVERY_DIR: path.join(E2E_DIR, "offer-deliveries"),
    },
  },
});
