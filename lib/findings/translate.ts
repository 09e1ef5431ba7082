import { namespaceTranslator } from "@/lib/i18n/translator";
import en from "@/messages/en/findings.json";
import ru from "@/messages/ru/findings.json";
import type { FindingsTranslate } from "./render";

/*
 * The findings translator outside React (CLI, e-mail digest): lib/i18n's one server-side
 * translator over the same messages the pages load.
 */

/** A translator of the `findings` namespace for `locale` ('ru…' → Russian, anything else → English). */
export function findingsTranslator(locale: string): FindingsTranslate {
  return namespaceTranslator("findings", { en, ru }, locale);
}
