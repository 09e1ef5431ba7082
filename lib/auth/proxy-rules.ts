/**
 * The proxy's (proxy.ts) one decision, kept pure for tests: does a page request without a
 * session cookie go to /login? Only the cookie's presence is checked: verifying it would cost a
 * JWT decryption per request, and the real check is lib/auth/access.ts on every page, route and
 * action (a forged or expired cookie gets through here and is refused there).
 */

/**
 * Auth.js session cookie names: the `__Secure-` prefix on HTTPS; tokens over ~4 kB are split
 * into `<name>.0`, `<name>.1`, …
 */
const SESSION_COOKIE = /^(__Secure-)?authjs\.session-token(\.\d+)?$/;

/** Paths served without a session: the login page, invitation and unsubscribe links (the token or signature is the credential); API routes answer 401 themselves. */
const PUBLIC_PATH = /^\/(login|api|invite|unsubscribe)(\/|$)/;

/** True when one of the cookie names is an Auth.js session cookie. */
export function hasSessionCookie(cookieNames: Iterable<string>): boolean {
  for (const name of cookieNames) if (SESSION_COOKIE.test(name)) return true;
  return false;
}

/**
 * The login URL (path + query) to redirect to, or null to let the request through. The original
 * path and query travel in `next`, so the user lands where they were going after signing in.
 */
export function loginRedirectFor(pathname: string, search: string, cookieNames: Iterable<string>): string | null {
  if (PUBLIC_PATH.test(pathname) || hasSessionCookie(cookieNames)) return null;
  if (pathname === "/") return "/login";
  return `/login?${new URLSearchParams({ next: pathname + search })}`;
}
