import { formatChange, formatDay, formatMoney, formatMonth, formatNumber, formatPercent } from "@/lib/format";
import type { Finding, FindingValue } from "./types";

/*
 * Findings in words: templates live in messages/<locale>/findings.json (ICU MessageFormat,
 * rendered by next-intl's translator in the UI and by `createTranslator` in the CLI and the
 * digest); numbers are formatted for the locale by lib/format before they enter a template.
 * Pure: the caller passes its translator, so React, the CLI and e-mails share this one path.
 */

/** A translator of the `findings` namespace: key + preformatted values → text. */
export type FindingsTranslate = (key: string, values?: Record<string, string | number>) => string;

/** A finding in words, with the numbers behind it. */
export interface RenderedFinding {
  id: string;
  headline: string;
  explanation: string;
  confidence: string;
  /** Label → formatted value, in the template's order. */
  numbers: Array<{ name: string; label: string; value: string }>;
}

/**
 * One value for a template (`abs`: magnitude, for "fell by {change}") and for the numbers list
 * (signed).
 */
function formatFindingValue(
  value: FindingValue,
  locale: string,
  currency: string,
  t: FindingsTranslate,
  signed: boolean,
): string {
  switch (value.t) {
    case "money":
      return formatMoney(signed ? value.v : Math.abs(value.v), currency, locale, { whole: true });
    case "percent":
      return signed ? formatChange(value.v, locale) : formatPercent(Math.abs(value.v), locale);
    case "number":
      return formatNumber(value.v, locale, { maximumFractionDigits: Number.isInteger(value.v) ? 0 : 2 });
    case "day":
      return formatDay(value.v, locale, "medium");
    case "month":
      return formatMonth(value.v, locale);
    case "label":
      return t(`labels.${value.v}`);
    case "text":
      return value.v;
  }
}

/**
 * Renders a finding with the locale's templates:
 * `kinds.<kind>.<variant>.headline` and `.explanation`, given every value by name (magnitudes),
 * `<name>Signed` (signed), `direction` (up | down | none), `offset` ("yes" when a money
 * `effect` exceeds a money `totalChange` in size or runs against it: other customers moved the
 * other way, and the template must not read as a share of the total) and, for "numbers behind
 * it", `values.<name>` labels.
 */
export function renderFinding(f: Finding, locale: string, currency: string, t: FindingsTranslate): RenderedFinding {
  const vars: Record<string, string | number> = { direction: f.direction };
  for (const [name, v] of Object.entries(f.values)) {
    vars[name] = formatFindingValue(v, locale, currency, t, false);
    vars[`${name}Signed`] = formatFindingValue(v, locale, currency, t, true);
  }
  const effect = f.values.effect;
  const total = f.values.totalChange;
  vars.offset =
    effect?.t === "money" && total?.t === "money" && (Math.abs(effect.v) > Math.abs(total.v) || Math.sign(effect.v) * Math.sign(total.v) < 0)
      ? "yes"
      : "no";
  const base = `kinds.${f.kind}.${f.variant}`;
  // Templates may open with a value ("{segment} bought less often"); sentences start capitalised.
  const sentence = (s: string) => s.charAt(0).toLocaleUpperCase(locale) + s.slice(1);
  return {
    id: f.id,
    headline: sentence(t(`${base}.headline`, vars)),
    explanation: sentence(t(`${base}.explanation`, vars)),
    confidence: t(`confidence.${f.confidence}`),
    numbers: Object.entries(f.values)
      .filter(([, v]) => v.t !== "label" && v.t !== "text")
      .map(([name, v]) => ({ name, label: t(`values.${name}`), value: formatFindingValue(v, locale, currency, t, true) })),
  };
}
