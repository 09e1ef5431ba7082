/**
 * Next 16 proxy (formerly middleware): sends page requests without a session cookie to /login.
 * Deliberately light: no database, no JWT decryption. Authorization is lib/auth/access.ts, which
 * every page, route handler and server action goes through; API routes answer 401 themselves.
 */
import { NextResponse, type NextRequest } from "next/server";
import { loginRedirectFor } from "@/lib/auth/proxy-rules";

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const target = loginRedirectFor(pathname, search, request.cookies.getAll().map((c) => c.name));
  if (!target) return NextResponse.next();
  return NextResponse.redirect(new URL(target, request.url));
}

export const config = {
  // Not for API routes, Next's own assets, or files with an extension (public/ assets, favicon).
  matcher: ["/((?!api/|_next/|.*\\.[a-zA-Z0-9]+$).*)"],
};
