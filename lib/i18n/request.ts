import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { auth } from "@/lib/auth/config";
import { LOCALE_COOKIE, NAMESPACES, isLocale, localeFromAcceptLanguage, type Locale } from "./config";

async function loadMessages(locale: Locale) {
  const entries = await Promise.all(
    NAMESPACES.map(async (ns) => [ns, (await import(`../../messages/${locale}/${ns}.json`)).default] as const),
  );
  return Object.fromEntries(entries);
}

/**
 * next-intl without locale routing. The locale is, in order: the NEXT_LOCALE cookie (an explicit
 * choice with the switcher), the signed-in user's saved language (carried in the session token,
 * no database call), the browser's Accept-Language, English.
 */
export default getRequestConfig(async () => {
  const cookie = (await cookies()).get(LOCALE_COOKIE)?.value;
  let locale: Locale | null = isLocale(cookie) ? cookie : null;
  if (!locale) {
    const session = await auth().catch(() => null);
    const saved = (session?.user as { locale?: unknown } | undefined)?.locale;
    if (isLocale(saved)) locale = saved;
  }
  locale ??= localeFromAcceptLanguage((await headers()).get("accept-language"));
  return { locale, messages: await loadMessages(locale) };
});
