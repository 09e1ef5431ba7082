import { unsubscribeByLink } from "@/lib/jobs/alerts";

/**
 * POST /api/unsubscribe?u=<user>&l=alerts|digest&s=<signature>: RFC 8058 one-click unsubscribe.
 * Mail providers POST `List-Unsubscribe=One-Click` here from the List-Unsubscribe header; the
 * /unsubscribe page's button posts the same query. The HMAC signature is the credential
 * (lib/mail/unsubscribe.ts): no session, and no cross-site check, because a provider's POST comes
 * from another origin by design and the request changes nothing but its own signed subject.
 * 200 "unsubscribed" (303 back to the page for a browser form); 400 for a link that does not verify
 * (nothing changed). GET changes nothing (RFC 8058: link scanners follow GET).
 */
export async function POST(req: Request): Promise<Response> {
  const q = new URL(req.url).searchParams;
  const list = await unsubscribeByLink({ u: q.get("u"), l: q.get("l"), s: q.get("s") });
  const fromPage = (req.headers.get("accept") ?? "").includes("text/html");
  if (!list) {
    if (fromPage) return seeOther("/unsubscribe?invalid=1");
    return Response.json({ error: "invalid unsubscribe link" }, { status: 400, headers: { "cache-control": "no-store" } });
  }
  if (fromPage) return seeOther(`/unsubscribe?done=${list}`);
  return new Response("unsubscribed\n", { status: 200, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
}

/**
 * A 303 to a path of this site, as a relative Location (RFC 9110 §10.2.2). Not
 * `new URL(path, req.url)`: behind `next start` or a proxy, req.url carries the server's own host
 * (`localhost`), not the one the browser used, and the browser then refuses the form's redirect
 * to another origin (Content-Security-Policy `form-action 'self'`): the button did nothing.
 */
function seeOther(path: string): Response {
  return new Response(null, { status: 303, headers: { location: path, "cache-control": "no-store" } });
}
