import { createTranslator } from "next-intl";
import type { Locale } from "@/lib/i18n/config";
import enChurn from "@/messages/en/churn.json";
import enSegments from "@/messages/en/segments.json";
import ruChurn from "@/messages/ru/churn.json";
import ruSegments from "@/messages/ru/segments.json";
import { runLocale } from "./locale";

/*
 * Translators outside React for the run renderers (lib/runs/render/*): next-intl's
 * createTranslator over the same messages the pages load, so the CLI, CSV exports, e-mails,
 * API answers and pages render a run's codes into the same words. In React, useTranslations of
 * the same namespace satisfies the same `Translate` type.
 *
 * A new UI language: add it to LOCALES (lib/i18n/config.ts), add its messages files, and one line
 * per namespace below (the compiler points here). Stored runs need no refit.
 */

/** A translator of one namespace: key (relative to it) + values → text, and whether a key exists. */
export interface Translate {
  (key: string, values?: Record<string, string | number>): string;
  has(key: string): boolean;
}

/** The namespaces whose words the run renderers produce. */
export type RunNamespace = "churn" | "segments";

const MESSAGES = {
  churn: { en: enChurn, ru: ruChurn },
  segments: { en: enSegments, ru: ruSegments },
} satisfies Record<RunNamespace, Record<Locale, object>>;

const cache = new Map<string, Translate>();

export { runLocale };

/**
 * The translator of `namespace` in `locale` (one per pair, reused: the compiled ICU messages are
 * cached inside it).
 *
 * @param opts.messages replace the namespace's messages (tests: a file with a key missing)
 * @param opts.strict   throw on a missing key or a bad value instead of next-intl's default (log
 *                      and show the key); the completeness test renders with it
 */
export function runsTranslator(
  namespace: RunNamespace,
  locale: string,
  opts: { messages?: object; strict?: boolean } = {},
): Translate {
  const loc = runLocale(locale);
  const key = `${namespace}:${loc}`;
  const custom = opts.messages !== undefined || opts.strict === true;
  if (!custom && cache.has(key)) return cache.get(key)!;
  const t = createTranslator({
    locale: loc,
    messages: { [namespace]: opts.messages ?? MESSAGES[namespace][loc] } as Record<string, object>,
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
