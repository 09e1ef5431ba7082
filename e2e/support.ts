import fs from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";

/*
 * What every e2e spec shares: the figures e2e/prepare.ts wrote for it, the screenshots folder
 * and signing in through the login form.
 */

/** test-results/e2e-expected.json as written by e2e/prepare.ts; each spec names the part it reads. */
export function readExpected<T extends { password: string }>(): T {
  return JSON.parse(fs.readFileSync(path.resolve("test-results/e2e-expected.json"), "utf8")) as T;
}

/** Where specs save their screenshots (created on import). */
export const shots = path.resolve("test-results/screenshots");
fs.mkdirSync(shots, { recursive: true });

/**
 * Signs in through the login form (opening /login unless the page is already there) and waits
 * to leave it.
 * @param password default: the demo users' password from e2e-expected.json
 */
export async function login(page: Page, email: string, password = readExpected().password): Promise<void> {
  if (!page.url().includes("/login")) await page.goto("/login");
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('button[type="submit"]').click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
}
