/** The UI languages. Russian is the product's home language, English the default. */
export const LOCALES = ["en", "ru"] as const;
export type Locale = (typeof LOCALES)[number];
const DEFAULT_LOCALE: Locale = "en";
/** The cookie that holds the user's chosen locale (next-intl's own name for it). */
export const LOCALE_COOKIE = "NEXT_LOCALE";

/**
 * Message namespaces, one JSON file per locale and namespace under messages/<locale>/.
 * Each feature owns its own files, so features never edit one shared file.
 */
export const NAMESPACES = ["common", "auth", "dashboard", "customers", "seasonality", "portfolio", "value", "churn", "segments", "competitors", "findings", "campaigns", "offers", "billing", "admin", "api", "notifications"] as const;

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/** Picks the first supported language of an Accept-Language header, else the default. */
export function localeFromAcceptLanguage(header: string | null): Locale {
  if (!header) return DEFAULT_LOCALE;
  for (const part of header.split(",")) {
    const tag = part.split(";")[0].trim().toLowerCase().slice(0, 2);
    if (isLocale(tag)) return tag;
  }
  return DEFAULT_LOCALE;
}
