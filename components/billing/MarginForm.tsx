"use client";

import { useActionState } from "react";
import { useLocale, useTranslations } from "next-intl";
import { formatPercent } from "@/lib/format";

/** What the margin action answers to the form (app/m/[slug]/team/actions.ts setMarginAction). */
export type MarginFormState = { ok: true; grossMarginBp: number | null } | { ok: false; error: "invalid_input" | "not_allowed" | "generic" } | null;

type Action = (prev: MarginFormState, data: FormData) => Promise<MarginFormState>;

/** A viewer's form has nothing to submit. */
const readOnly: Action = async () => null;

/**
 * The merchant's gross margin (issue 17, "CLV in margin"): shown to everyone, editable by the
 * owner and bank staff (`action` null: read only). Empty clears it (figures in revenue).
 */
export function MarginForm({ action, grossMarginBp }: { action: Action | null; grossMarginBp: number | null }) {
  const t = useTranslations("billing.margin");
  const locale = useLocale();
  const [state, formAction, pending] = useActionState(action ?? readOnly, null);
  const current = state?.ok ? state.grossMarginBp : grossMarginBp;
  const shown = current === null ? t("unset") : t("current", { margin: formatPercent(current / 10_000, locale, 2) });
  return (
    <div id="margin" data-testid="margin-setting">
      <p data-testid="margin-current">{shown}</p>
      <p className="muted">{t("hint")}</p>
      {action ? (
        <form action={formAction} className="stacked-form" style={{ display: "flex", gap: 12, alignItems: "end", flexWrap: "wrap" }} data-testid="margin-form">
          <label>
            {t("label")}
            <input
              className="input"
              name="grossMargin"
              inputMode="decimal"
              defaultValue={current === null ? "" : String(current / 100)}
              placeholder="35"
              autoComplete="off"
              style={{ width: 120 }}
              data-testid="margin-input"
            />
          </label>
          <button className="btn btn-primary" type="submit" disabled={pending} data-testid="margin-submit">
            {t("save")}
          </button>
          {state?.ok ? (
            <span role="status" data-testid="margin-saved">
              {t("saved")}
            </span>
          ) : null}
          {state && !state.ok ? (
            <span role="alert" data-testid="margin-error">
              {t(`errors.${state.error}`)}
            </span>
          ) : null}
        </form>
      ) : (
        <p className="muted" data-testid="margin-readonly">
          {t("readOnly")}
        </p>
      )}
    </div>
  );
}
