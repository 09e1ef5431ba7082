import { describe, expect, it } from "vitest";
import { hasSessionCookie, loginRedirectFor } from "@/lib/auth/proxy-rules";
import { safeRedirectPath } from "@/lib/auth/redirect";

describe("proxy rules", () => {
  it("recognises Auth.js session cookies, secure and chunked", () => {
    expect(hasSessionCookie(["authjs.session-token"])).toBe(true);
    expect(hasSessionCookie(["__Secure-authjs.session-token"])).toBe(true);
    expect(hasSessionCookie(["other", "authjs.session-token.0"])).toBe(true);
    expect(hasSessionCookie(["authjs.csrf-token", "authjs.callback-url", "NEXT_LOCALE"])).toBe(false);
    expect(hasSessionCookie(["xauthjs.session-token"])).toBe(false);
    expect(hasSessionCookie([])).toBe(false);
  });

  it("sends signed-out page requests to /login with the way back in `next`", () => {
    expect(loginRedirectFor("/", "", [])).toBe("/login");
    const target = loginRedirectFor("/m/shop-1/customers", "?from=2024-01-01&to=2024-02-01", ["NEXT_LOCALE"]);
    expect(target).toBe("/login?next=%2Fm%2Fshop-1%2Fcustomers%3Ffrom%3D2024-01-01%26to%3D2024-02-01");
    // The login page accepts that `next` back.
    const next = new URLSearchParams(target!.split("?")[1]).get("next");
    expect(safeRedirectPath(next)).toBe("/m/shop-1/customers?from=2024-01-01&to=2024-02-01");
  });

  it("lets through the login page, API routes (they answer 401 themselves) and requests with a session cookie", () => {
    expect(loginRedirectFor("/login", "", [])).toBeNull();
    expect(loginRedirectFor("/api/m/shop/overview", "", [])).toBeNull();
    expect(loginRedirectFor("/api/auth/session", "", [])).toBeNull();
    expect(loginRedirectFor("/portfolio", "", ["authjs.session-token"])).toBeNull();
    // an e-mail's unsubscribe link works signed out (its signature is the credential); the settings do not
    expect(loginRedirectFor("/unsubscribe", "?u=a&l=alerts&s=b", [])).toBeNull();
    expect(loginRedirectFor("/unsubscribed", "", [])).toBe("/login?next=%2Funsubscribed");
    expect(loginRedirectFor("/settings", "", [])).toBe("/login?next=%2Fsettings");
    expect(loginRedirectFor("/notifications", "", [])).toBe("/login?next=%2Fnotifications");
  });

  it("does not mistake look-alike paths for public ones", () => {
    expect(loginRedirectFor("/loginx", "", [])).toBe("/login?next=%2Floginx");
    expect(loginRedirectFor("/apiary", "", [])).toBe("/login?next=%2Fapiary");
  });
});
