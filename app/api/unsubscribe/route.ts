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
    if (fromPage) return Response.redirect(new URL(`/unsubscribe?invalid=1`, req.url), 303);
    return Response.json({ error: "invalid unsubscribe link" }, { status: 400, headers: { "cache-control": "no-store" } });
  }
  if (fromPage) return Response.redirect(new URL(`/unsubscribe?done=${list}`, req.url), 303);
  return new Response("unsubscribed\n", { status: 200, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
}
