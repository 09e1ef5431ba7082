/**
 * Security headers (docs/security.md), pure so they are unit-tested.
 *
 * Content-Security-Policy per page request, with a fresh nonce (proxy.ts): scripts only from
 * this origin and those carrying the nonce ('strict-dynamic' lets Next's nonce'd loader load its
 * chunks), no plugins, no framing, forms only to this origin (and Stripe's hosted pages), no
 * <base> tampering. Styles allow 'unsafe-inline' because React renders `style` attributes and
 * ECharts sets element styles (style injection cannot run script). Images allow data: and blob:
 * (chart exports). In development React needs 'unsafe-eval' for its debugging stack traces.
 *
 * The static headers go on every response (next.config.ts): no MIME sniffing, no framing,
 * referrers only to this origin in full, no powerful browser features, HSTS for HTTPS.
 */

/** The CSP for one page response. @param nonce base64, fresh per request */
export function contentSecurityPolicy(nonce: string, dev = false): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self' https://checkout.stripe.com https://billing.stripe.com",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** A fresh nonce: 16 random bytes, base64. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/** Headers for every response (pages, API routes, assets). */
export const STATIC_SECURITY_HEADERS: ReadonlyArray<{ key: string; value: string }> = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  // Browsers ignore HSTS over plain HTTP (the local demo), and honour it once served over HTTPS.
  { key: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains" },
];
