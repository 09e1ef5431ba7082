import type { Locale } from "@/lib/i18n/config";
import { namespaceTranslator, type Translate } from "@/lib/i18n/translator";
import enChurn from "@/messages/en/churn.json";
import enSegments from "@/messages/en/segments.json";
import ruChurn from "@/messages/ru/churn.json";
import ruSegments from "@/messages/ru/segments.json";
import enValue from "@/messages/en/value.json";
import ruValue from "@/messages/ru/value.json";

/*
 * The run renderers' translators outside React (lib/runs/render/*): the CLI, CSV exports, API
 * answers and page loaders render a run's codes with the same messages the pages load.
 *
 * A new UI language: add it to LOCALES (lib/i18n/config.ts), add its messages files, and one line
 * per namespace below (the compiler points here). Stored runs need no refit.
 */

export type { Translate };

/** The namespaces whose words the run renderers produce. */
export type RunNamespace = "churn" | "segments" | "value";

export const RUN_MESSAGES = {
  churn: { en: enChurn, ru: ruChurn },
  segments: { en: enSegments, ru: ruSegments },
  value: { en: enValue, ru: ruValue },
} satisfies Record<RunNamespace, Record<Locale, object>>;

/**
 * The translator of a run namespace in `locale` (unknown locales fall back to their language,
 * then English).
 * @param opts.messages replace the namespace's messages; opts.strict throw on a missing key
 */
export function runsTranslator(namespace: RunNamespace, locale: string, opts: { messages?: object; strict?: boolean } = {}): Translate {
  return namespaceTranslator(namespace, RUN_MESSAGES[namespace], locale, opts);
}
