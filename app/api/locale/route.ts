import { z } from "zod";
import { LOCALE_COOKIE, LOCALES } from "@/lib/i18n/config";
import { isCrossSiteMutation } from "@/lib/auth/access";
import { errorBody } from "@/lib/errors";
import { readJsonBody } from "@/lib/http";

const bodySchema = z.object({ locale: z.enum(LOCALES) });

/** One year: the choice is a preference, not a session. */
const MAX_AGE_SECONDS = 365 * 24 * 60 * 60;

/** The body is `{"locale":"ru"}`: 1 KiB is far more than enough. */
const MAX_BODY_BYTES = 1024;

/**
 * POST { locale: "en" | "ru" } -> 204 and the NEXT_LOCALE cookie that lib/i18n/request.ts reads.
 * Works signed out too (the login page has the switcher). 403 for a cross-site request (the same
 * CSRF check as every other mutation, lib/auth/access.ts isCrossSiteMutation); 413 for a body over
 * 1 KiB (read size-limited, lib/http); 400 on anything else.
 */
export async function POST(req: Request): Promise<Response> {
  if (isCrossSiteMutation(req)) return Response.json({ error: "forbidden" }, { status: 403, headers: { "cache-control": "no-store" } });
  let raw: unknown;
  try {
    raw = await readJsonBody(req, MAX_BODY_BYTES);
  } catch (err) {
    const { status, body } = errorBody(err);
    return Response.json(body, { status, headers: { "cache-control": "no-store" } });
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
