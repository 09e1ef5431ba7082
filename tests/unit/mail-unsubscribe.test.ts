import { describe, expect, it } from "vitest";
import { signUnsubscribe, unsubscribeLinks, unsubscribeSecret, verifyUnsubscribe } from "@/lib/mail/unsubscribe";

/*
 * One-click unsubscribe links (lib/mail/unsubscribe.ts): HMAC-SHA256 signatures under
 * UNSUBSCRIBE_SECRET, the RFC 8058 header pair, and the development key refused in production.
 */
const KEY = "k".repeat(40);

describe("unsubscribe links", () => {
  it("signs (user, list) with HMAC-SHA256: the reference digest, and any other user, list or key fails", () => {
    // reference: printf 'unsubscribe:v1:alerts:user-1' | openssl dgst -sha256 -hmac kkkk…(40) -binary | base64url
    const sig = signUnsubscribe("user-1", "alerts", KEY);
    expect(sig).toBe("vg9TGb8u_7PC3ljyAtNjORJGHraxsj-fRqI8e5uMoUo");
    expect(verifyUnsubscribe("user-1", "alerts", sig, KEY)).toBe(true);
    expect(verifyUnsubscribe("user-2", "alerts", sig, KEY)).toBe(false);
    expect(verifyUnsubscribe("user-1", "digest", sig, KEY)).toBe(false);
    expect(verifyUnsubscribe("user-1", "alerts", sig, "x".repeat(40))).toBe(false);
    expect(verifyUnsubscribe("user-1", "alerts", sig.slice(0, -1), KEY)).toBe(false);
    expect(verifyUnsubscribe("user-1", "everything", sig, KEY)).toBe(false);
    expect(verifyUnsubscribe("", "alerts", sig, KEY)).toBe(false);
  });

  it("builds the RFC 8058 header pair (POST URL) and the confirmation page link from the origin", () => {
    const l = unsubscribeLinks("https://bank.test/", "u 1", "digest", KEY);
    const q = `u=u+1&l=digest&s=${signUnsubscribe("u 1", "digest", KEY)}`;
    expect(l.page).toBe(`https://bank.test/unsubscribe?${q}`);
    expect(l.headers).toEqual({ "List-Unsubscribe": `<https://bank.test/api/unsubscribe?${q}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" });
  });

  it("refuses the development key, a short key or none in production; outside production the dev key stands in", () => {
    expect(() => unsubscribeSecret({ NODE_ENV: "production" } as NodeJS.ProcessEnv)).toThrow(/UNSUBSCRIBE_SECRET must be set/);
    expect(() => unsubscribeSecret({ NODE_ENV: "production", UNSUBSCRIBE_SECRET: "short" } as NodeJS.ProcessEnv)).toThrow(/UNSUBSCRIBE_SECRET/);
    const dev = unsubscribeSecret({ NODE_ENV: "development" } as NodeJS.ProcessEnv);
    expect(dev.length).toBeGreaterThanOrEqual(32);
    expect(() => unsubscribeSecret({ NODE_ENV: "production", UNSUBSCRIBE_SECRET: dev } as NodeJS.ProcessEnv)).toThrow(/UNSUBSCRIBE_SECRET must be set/);
    expect(unsubscribeSecret({ NODE_ENV: "production", UNSUBSCRIBE_SECRET: KEY } as NodeJS.ProcessEnv)).toBe(KEY);
  });
});
