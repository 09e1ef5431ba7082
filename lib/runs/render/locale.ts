import { LOCALES, type Locale } from "@/lib/i18n/config";

/**
 * The UI locale whose words to show for a requested locale: the locale itself, else its language
 * ('ru-RU' → 'ru'), else 'en'. Pure and tiny, so client components can pick from a LocalizedText.
 */
export function runLocale(locale: string): Locale {
  const lang = locale.slice(0, 2).toLowerCase();
  if ((LOCALES as readonly string[]).includes(locale)) return locale as Locale;
  return (LOCALES as readonly string[]).includes(lang) ? (lang as Locale) : "en";
}
