"use client";

import { useActionState } from "react";
import { useTranslations } from "next-intl";
import type { AcceptState } from "./actions";

/** Name, password and confirmation (or just "accept" for an e-mail that already has a password). */
export function AcceptForm({ action, email, existing }: { action: (prev: AcceptState, data: FormData) => Promise<AcceptState>; email: string; existing: boolean }) {
  const t = useTranslations("billing.invite");
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className="stacked-form" style={{ display: "grid", gap: 12 }} data-testid="accept-form">
      <label>
        {t("email")}
        <input className="input" value={email} readOnly />
      </label>
      {existing ? (
        <>
          <input type="hidden" name="existing" value="1" />
          <input type="hidden" name="password" value="" />
          <p>{t("existing")}</p>
        </>
      ) : (
        <>
          <label>
            {t("name")}
            <input className="input" name="name" autoComplete="name" data-testid="accept-name" />
          </label>
          <label>
            {t("password")}
            <input className="input" type="password" name="password" required minLength={10} autoComplete="new-password" data-testid="accept-password" />
          </label>
          <label>
            {t("confirm")}
            <input className="input" type="password" name="confirm" required minLength={10} autoComplete="new-password" data-testid="accept-confirm" />
          </label>
          <p className="muted">{t("rules")}</p>
        </>
      )}
      {state ? (
        <p role="alert" data-testid="accept-error">
          {state.error === "mismatch" ? t("mismatch") : t(`errors.${state.error}`, { message: state.message ?? "" })}
        </p>
      ) : null}
      <button className="btn btn-primary" type="submit" disabled={pending} data-testid="accept-submit">
        {existing ? t("acceptExisting") : t("accept")}
      </button>
    </form>
  );
}
