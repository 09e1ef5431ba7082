import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, newNonce, STATIC_SECURITY_HEADERS } from "@/lib/auth/security-headers";
import { isCrossSiteMutation } from "@/lib/auth/access";

describe("security headers", () => {
  it("the CSP allows scripts only from self and the nonce, and forbids framing, plugins and base changes", () => {
    const csp = contentSecurityPolicy("abc123");
    expect(csp).toContain("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'self'");
    expect(contentSecurityPolicy("n", true)).toContain("'unsafe-eval'");
    expect(newNonce()).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(newNonce()).not.toBe(newNonce());
    expect(STATIC_SECURITY_HEADERS.map((h) => h.key)).toEqual(expect.arrayContaining(["X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"]));
  });

  it("CSRF: a state-changing request from another site is refused; same-origin and safe methods pass", () => {
    const req = (method: string, headers: Record<string, string>) => new Request("http://app.example/api/x", { method, headers });
    expect(isCrossSiteMutation(req("POST", { host: "app.example", origin: "http://evil.example" }))).toBe(true);
    expect(isCrossSiteMutation(req("POST", { host: "app.example", "sec-fetch-site": "cross-site" }))).toBe(true);
    expect(isCrossSiteMutation(req("DELETE", { host: "app.example", origin: "http://app.example", "sec-fetch-site": "same-origin" }))).toBe(false);
    expect(isCrossSiteMutation(req("POST", { host: "app.example", origin: "null" }))).toBe(true);
    expect(isCrossSiteMutation(req("GET", { host: "app.example", origin: "http://evil.example", "sec-fetch-site": "cross-site" }))).toBe(false);
    expect(isCrossSiteMutation(req("POST", {}))).toBe(false); // no browser, no ambient-credential CSRF
  });
});
