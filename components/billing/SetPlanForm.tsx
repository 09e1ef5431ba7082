"use client";

import { useActionState } from "react";
import { useTranslations } from "next-intl";

/** What the server action answers to the form (app/… actions.ts). */
export type BillingFormState = { ok: boolean; message: string | null } | null;

/** Bank staff's plan form (bank-managed billing). `action` is setPlanAction bound to the slug. */
export function SetPlanForm({ action, current }: { action: (prev: BillingFormState, data: FormData) => Promise<BillingFormState>; current: string | null }) {
  const t = useTranslations("billing");
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} style={{ display: "flex", gap: 12, alignItems: "end", flexWrap: "wrap" }} data-testid="set-plan-form">
      <label>
        {t("page.plan")}
        <select name="plan" className="input" defaultValue={current ?? "start"} data-testid="set-plan-select">
          {(["start", "pro", "business"] as const).map((p) => (
            <option key={p} value={p}>
              {t(`plans.${p}`)}
            </option>
          ))}
        </select>
      </label>
      <label style={{ display: "flex", gap: 6, alignItems: "center" }}>
        <input type="checkbox" name="trial" /> {t("page.trial")}
      </label>
      <button className="btn btn-primary" type="submit" disabled={pending}>
        {t("page.save")}
      </button>
      {state?.ok ? <span role="status">{t("page.saved")}</span> : null}
      {state && !state.ok ? <span role="alert">{t("page.error", { message: state.message ?? "" })}</span> : null}
    </form>
  );
}
