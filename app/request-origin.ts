import { headers } from "next/headers";

/**
 * The origin links in e-mails and Stripe return URLs start with: APP_URL when set (production
 * behind a proxy), else the request's own Host (and X-Forwarded-Proto), as the browser reached us.
 */
export async function requestOrigin(): Promise<string> {
  if (process.env.APP_URL) return process.env.APP_URL.replace(/\/+$/, "");
  const h = await headers();
  const host = h.get("x-forwarded-host") ?? h.get("host") ?? "localhost:3000";
  const proto = h.get("x-forwarded-proto") ?? (host.startsWith("localhost") || host.startsWith("127.") ? "http" : "https");
  return `${proto}://${host}`;
}
