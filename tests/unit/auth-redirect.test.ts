import { describe, expect, it } from "vitest";
import { safeRedirectPath } from "@/lib/auth/redirect";

describe("safeRedirectPath", () => {
  it.each(["/", "/portfolio", "/m/shop-1?from=2024-01-01&to=2024-02-01", "/m/shop-1/customers#cohorts"])("keeps %s", (path) => {
    expect(safeRedirectPath(path)).toBe(path);
  });

  it.each([
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example",
    "/\\/evil.example",
    "javascript:alert(1)",
    " /m/x",
    "/m/x\n",
    "/\tevil",
    "m/x",
    "",
    "/login",
    "/login?next=/x",
    "/api/m/x/overview",
    "/" + "a".repeat(3000),
  ])("refuses %j", (path) => {
    expect(safeRedirectPath(path)).toBe("/");
  });

  it("refuses non-strings", () => {
    expect(safeRedirectPath(undefined)).toBe("/");
    expect(safeRedirectPath(["/m/x"])).toBe("/");
    expect(safeRedirectPath(null)).toBe("/");
  });
});
