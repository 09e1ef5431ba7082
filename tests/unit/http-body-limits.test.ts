/**
 * Issue 14 items 1 and 9 (docs/security.md): every route that reads a body enforces a size limit
 * while reading, before parsing or verifying anything, and /api/locale refuses cross-site
 * requests like every other mutation. The attack of the issue was an unsigned 1 GB POST to the
 * Stripe webhook and a 200 MB POST to /api/locale, both read whole into memory. Here the body is
 * a lazy stream that counts the bytes pulled from it: the old handlers pulled all of it (then
 * answered 400), the new ones stop after the limit and answer 413.
 */
import { describe, expect, it } from "vitest";
import Stripe from "stripe";
import { handleStripeWebhookRequest, stripeProvider } from "@/lib/billing";
import { STRIPE_WEBHOOK_MAX_BYTES } from "@/lib/billing/webhooks";
import { POST as postLocale } from "@/app/api/locale/route";
import { PayloadTooLargeError, readBodyText, readJsonBody } from "@/lib/http";

const CHUNK = 64 * 1024;

/** A body of `total` bytes produced lazily in 64 KiB chunks; `pulled()` says how many were read. */
function lazyBody(total: number) {
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      const n = Math.min(CHUNK, total - sent);
      sent += n;
      controller.enqueue(new Uint8Array(n).fill(0x61));
    },
  });
  return { stream, pulled: () => sent };
}

function post(url: string, body: ReadableStream<Uint8Array> | string, headers: Record<string, string> = {}): Request {
  return new Request(url, { method: "POST", body, headers, duplex: "half" } as RequestInit);
}

const provider = stripeProvider({ secretKey: "sk_test_not_used", webhookSecret: "whsec_x", prices: { start: "p1", pro: "p2", business: "p3" } }, new Stripe("sk_test_not_used"));

describe("size-limited bodies (lib/http)", () => {
  it("an unsigned 64 MB webhook POST is refused with 413 after reading at most the limit plus one chunk", async () => {
    const body = lazyBody(64 * 1024 * 1024);
    const res = await handleStripeWebhookRequest(post("http://localhost/api/stripe/webhook", body.stream), provider);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: "payload too large", maxBytes: STRIPE_WEBHOOK_MAX_BYTES });
    expect(body.pulled()).toBeLessThanOrEqual(STRIPE_WEBHOOK_MAX_BYTES + 2 * CHUNK);
  });

  it("a declared Content-Length over the limit is refused before a byte is read", async () => {
    const body = lazyBody(10 * 1024 * 1024);
    const req = post("http://localhost/api/stripe/webhook", body.stream, { "content-length": String(10 * 1024 * 1024) });
    await expect(readBodyText(req, 1024)).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(body.pulled()).toBeLessThanOrEqual(CHUNK);
  });

  it("a 16 MB POST to /api/locale is refused with 413 after at most 1 KiB plus one chunk", async () => {
    const body = lazyBody(16 * 1024 * 1024);
    const res = await postLocale(post("http://localhost/api/locale", body.stream, { "content-type": "application/json" }));
    expect(res.status).toBe(413);
    expect(body.pulled()).toBeLessThanOrEqual(1024 + 2 * CHUNK);
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("a body under the limit is read exactly; malformed JSON is a 400 invalid_request", async () => {
    expect(await readBodyText(post("http://x/", "héllo"), 6)).toBe("héllo");
    await expect(readBodyText(post("http://x/", "héllo"), 5)).rejects.toMatchObject({ status: 413, code: "payload_too_large" });
    await expect(readJsonBody(post("http://x/", "{nope"))).rejects.toMatchObject({ status: 400, code: "invalid_request" });
    expect(await readJsonBody(post("http://x/", '{"a":1}'))).toEqual({ a: 1 });
  });
});

describe("/api/locale CSRF (issue 14 item 9)", () => {
  const body = JSON.stringify({ locale: "ru" });
  it("refuses a cross-site POST (Sec-Fetch-Site: cross-site) with 403 and sets no cookie", async () => {
    const res = await postLocale(post("http://shop.test/api/locale", body, { "sec-fetch-site": "cross-site", host: "shop.test" }));
    expect(res.status).toBe(403);
    expect(res.headers.get("set-cookie")).toBeNull();
  });
  it("refuses a POST whose Origin is another host", async () => {
    const res = await postLocale(post("http://shop.test/api/locale", body, { origin: "https://evil.example", host: "shop.test" }));
    expect(res.status).toBe(403);
    expect(res.headers.get("set-cookie")).toBeNull();
  });
  it("accepts a same-origin POST and sets the cookie", async () => {
    const res = await postLocale(post("http://shop.test/api/locale", body, { origin: "http://shop.test", host: "shop.test", "sec-fetch-site": "same-origin" }));
    expect(res.status).toBe(204);
    expect(res.headers.get("set-cookie")).toMatch(/^NEXT_LOCALE=ru; Path=\/; Max-Age=31536000; SameSite=Lax$/);
  });
});
