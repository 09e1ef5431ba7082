import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";
import { STATIC_SECURITY_HEADERS } from "./lib/auth/security-headers";

const withNextIntl = createNextIntlPlugin("./lib/i18n/request.ts");

const nextConfig: NextConfig = {
  // PGlite ships WASM and data files that must be loaded from node_modules at run time.
  // rate-limiter-flexible imports drizzle-orm by a computed name (RateLimiterDrizzle) and exceljs
  // is a large Node-streams library: both are loaded from node_modules rather than bundled.
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "postgres", "rate-limiter-flexible", "exceljs", "pg-boss"],
  poweredByHeader: false,
  // `npm run demo` builds while it loads data; `npm run typecheck` (CI) checks the types, so the
  // demo's build skips Next's second type check (about a minute on this machine).
  typescript: { ignoreBuildErrors: process.env.DEMO_BUILD === "1" },
  // Security headers on every response; the per-request CSP with its nonce is set in proxy.ts.
  async headers() {
    return [{ source: "/:path*", headers: [...STATIC_SECURITY_HEADERS] }];
  },
};

export default withNextIntl(nextConfig);
