import { z } from "zod";
import { LOCALE_COOKIE, LOCALES } from "@/lib/i18n/config";

const bodySchema = z.object({ locale: z.enum(LOCALES) });

/** One year: the choice is a preference, not a session. */
const MAX_AGE_SECONDS = 365 * 24 * 60 * 60;

/**
 * POST { locale: "en" | "ru" } -> 204 and the NEXT_LOCALE cookie that lib/i18n/request.ts reads.
 * Works signed out too (the login page has the switcher); 400 on anything else.
 */
export async function POST(req: Request): Promise<Response> {
  let raw: unknown;
  try {
    raw = await req.json();
  } catch {
    return Response.json({ error: "invalid request" }, { status: 400 });
  }
  const parsed = bodySchema.safeParse(raw);
  if (!parsed.success) return Response.json({ error: "invalid request", issues: parsed.error.issues }, { status: 400 });
  const secure = new URL(req.url).protocol === "https:" ? "; Secure" : "";
  return new Response(null, {
    status: 204,
    headers: {
      "set-cookie": `${LOCALE_COOKIE}=${parsed.data.locale}; Path=/; Max-Age=${MAX_AGE_SECONDS}; SameSite=Lax${secure}`,
      "cache-control": "no-store",
    },
  });
}
