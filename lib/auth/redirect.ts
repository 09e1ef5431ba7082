/**
 * Where to send a user after signing in. Only same-origin paths are accepted, so a crafted
 * `/login?next=https://evil.example` (an open redirect) lands on "/" instead.
 */

/** The pages that must never be a post-login target (loops, API responses instead of pages). */
const EXCLUDED = /^\/(login|api)(\/|\?|#|$)/;

/**
 * `value` when it is a same-origin absolute path ("/m/shop?from=…"), else "/". Rejects
 * protocol-relative ("//host"), backslash ("/\host", which browsers treat as "//"), schemes,
 * control characters and whitespace, anything over 2048 characters, and /login or /api paths.
 */
export function safeRedirectPath(value: unknown): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 2048) return "/";
  if (!value.startsWith("/") || value.startsWith("//") || value.includes("\\")) return "/";
  if (/[\u0000-\u0020\u007f]/.test(value)) return "/";
  if (EXCLUDED.test(value)) return "/";
  try {
    // A path that resolves to another origin (whatever trick) is refused.
    const base = "http://same-origin.invalid";
    if (new URL(value, base).origin !== base) return "/";
  } catch {
    return "/";
  }
  return value;
}
