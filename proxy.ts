/**
 * Next 16 proxy (formerly middleware): sends page requests without a session cookie to /login,
 * and gives every page response its Content-Security-Policy with a fresh nonce (Next reads the
 * nonce from the request's CSP header and puts it on its own scripts; lib/auth/security-headers.ts).
 * Deliberately light: no database, no JWT decryption. Authorization is lib/auth/access.ts, which
 * every page, route handler and server action goes through; API routes answer 401 themselves.
 */
import { NextResponse, type NextRequest } from "next/server";
import { loginRedirectFor } from "@/lib/auth/proxy-rules";
import { contentSecurityPolicy, newNonce } from "@/lib/auth/security-headers";

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const target = loginRedirectFor(pathname, search, request.cookies.getAll().map((c) => c.name));
  if (target) return NextResponse.redirect(new URL(target, request.url));
  const nonce = newNonce();
  const csp = contentSecurityPolicy(nonce, process.env.NODE_ENV === "development");
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", csp);
  return response;
}

export const config = {
  // Not for API routes, Next's own assets, or files with an extension (public/ assets, favicon).
  matcher: ["/((?!api/|_next/|.*\\.[a-zA-Z0-9]+$).*)"],
};
