import { createTranslator } from "use-intl/core";
import en from "@/messages/en/findings.json";
import ru from "@/messages/ru/findings.json";
import type { FindingsTranslate } from "./render";

/*
 * The findings translator outside React (CLI, e-mail digest): the same messages and ICU
 * formatting next-intl uses in the pages (use-intl's createTranslator).
 */

const MESSAGES = { en, ru } as const;

/** A translator of the `findings` namespace for `locale` ('en' | 'ru'; anything else → 'en'). */
export function findingsTranslator(locale: string): FindingsTranslate {
  const loc = locale === "ru" ? "ru" : "en";
  const t = createTranslator({ locale: loc, messages: { findings: MESSAGES[loc] }, namespace: "findings" });
  return (key, values) => (t as unknown as (k: string, v?: Record<string, string | number>) => string)(key, values);
}
