import { createTranslator } from "next-intl";
import { LOCALES, type Locale } from "./config";

/*
 * Translators outside React (server code, CLI, e-mails, CSV exports): next-intl's
 * createTranslator over the same messages the pages load, so every reader of a stored code
 * renders the same words. In React, useTranslations of the same namespace satisfies `Translate`.
 */

/** A translator of one namespace: key (relative to it) + values → text, and whether a key exists. */
export interface Translate {
  (key: string, values?: Record<string, string | number>): string;
  has(key: string): boolean;
}

/**
 * The UI locale whose words to show for a requested locale: the locale itself, else its language
 * ('ru-RU' → 'ru'), else 'en'.
 */
export function uiLocale(locale: string): Locale {
  const lang = locale.slice(0, 2).toLowerCase();
  if ((LOCALES as readonly string[]).includes(locale)) return locale as Locale;
  return (LOCALES as readonly string[]).includes(lang) ? (lang as Locale) : "en";
}

const cache = new Map<string, Translate>();

/**
 * A translator of `namespace` in `locale` over `messages` (one per namespace and locale, reused:
 * the compiled ICU messages are cached inside it).
 *
 * @param byLocale the namespace's messages per UI locale (messages/<locale>/<namespace>.json)
 * @param opts.messages replace the namespace's messages (tests: a file with a key missing)
 * @param opts.strict   throw on a missing key or a bad value instead of next-intl's default (log
 *                      and show the key); completeness tests render with it
 */
export function namespaceTranslator(
  namespace: string,
  byLocale: Readonly<Record<Locale, object>>,
  locale: string,
  opts: { messages?: object; strict?: boolean } = {},
): Translate {
  const loc = uiLocale(locale);
  const key = `${namespace}:${loc}`;
  const custom = opts.messages !== undefined || opts.strict === true;
  if (!custom && cache.has(key)) return cache.get(key)!;
  const t = createTranslator({
    locale: loc,
    messages: { [namespace]: opts.messages ?? byLocale[loc] } as Record<string, object>,
    namespace,
    ...(opts.strict
      ? {
          onError: (error: Error) => {
            throw error;
          },
        }
      : {}),
  }) as unknown as Translate;
  if (!custom) cache.set(key, t);
  return t;
}
