import { expect, test } from "@playwright/test";
import path from "node:path";
import { login, readExpected, shots } from "./support";

/*
 * Issue 19, item 6: upgrading is one click. The Start-plan owner sees the prices, asks for Pro
 * from the locked view, and sees the request stand; the relationship manager finds it in the
 * portfolio and the e-mail in the outbox.
 */

interface Expected {
  password: string;
  accounts: { startOwner: string; startSlug: string | null };
}
const expected = readExpected<Expected>();

test("a Start owner requests Pro in one click; the RM sees it in the portfolio and the outbox", async ({ browser }) => {
  test.skip(!expected.accounts?.startSlug, "no Start-plan merchant in the e2e bank");
  const slug = expected.accounts.startSlug!;
  const owner = await (await browser.newContext()).newPage();
  await login(owner, expected.accounts.startOwner);
  await owner.goto(`/m/${slug}/upgrade?feature=churn`);
  await expect(owner.getByTestId("plan-price-pro")).toContainText("4,900");
  await owner.getByTestId("upgrade-request-pro").click();
  await expect(owner).toHaveURL(new RegExp(`/m/${slug}/billing\\?requested=1`));
  await expect(owner.getByTestId("upgrade-request-open")).toContainText("Pro");
  await expect(owner.getByTestId("billing-manager").first()).toContainText("rm@bank.demo");
  await owner.screenshot({ path: path.join(shots, "upgrade-requested.png"), fullPage: true });

  const rm = await (await browser.newContext()).newPage();
  await login(rm, "rm@bank.demo");
  await rm.goto("/portfolio");
  await rm.getByTestId("portfolio-sort").selectOption("request");
  const first = rm.getByTestId("portfolio-table").locator("tbody tr").first();
  await expect(first).toHaveAttribute("data-testid", `portfolio-row-${slug}`);
  await expect(first.getByTestId("portfolio-request")).toBeVisible();
  await rm.goto("/admin/outbox");
  await expect(rm.locator("body")).toContainText(/просит тариф «Про»|asks for the Pro plan/);
});
