"use client";

import Link from "next/link";
import { useActionState } from "react";
import { useTranslations } from "next-intl";

/** What the server action answers to the form (app/… actions.ts). */
export type AdminFormState = { ok: true; name?: string; email?: string; slug?: string } | { ok: false; message: string } | null;

type Action = (prev: AdminFormState, data: FormData) => Promise<AdminFormState>;

export interface OnboardDefaults {
  ids: string;
  name: string;
  mcc: string;
  timeZone: string;
  currency: string;
  country: string;
  city: string;
}

/** The onboarding form, pre-filled from a search hit (or empty for a new merchant). */
export function OnboardForm({ action, defaults }: { action: Action; defaults: OnboardDefaults }) {
  const t = useTranslations("admin.onboard");
  const tb = useTranslations("billing.plans");
  const [state, formAction, pending] = useActionState(action, null);
  if (state?.ok) {
    return (
      <div role="status" data-testid="onboard-done">
        <p>{t("done", { name: state.name ?? "", email: state.email ?? "" })}</p>
        <div style={{ display: "flex", gap: 8 }}>
          <Link className="btn btn-primary" href="/admin/outbox" data-testid="onboard-open-outbox">
            {t("openOutbox")}
          </Link>
          {state.slug ? (
            <Link className="btn" href={`/m/${state.slug}`}>
              {t("openMerchant")}
            </Link>
          ) : null}
        </div>
      </div>
    );
  }
  const field = (name: keyof OnboardDefaults, label: string, extra: Record<string, unknown> = {}) => (
    <label style={{ display: "grid", gap: 4 }}>
      {label}
      <input className="input" name={name} defaultValue={defaults[name]} data-testid={`onboard-${name}`} {...extra} />
    </label>
  );
  return (
    <form action={formAction} style={{ display: "grid", gap: 12, maxWidth: 560 }} data-testid="onboard-form">
      <label style={{ display: "grid", gap: 4 }}>
        {t("ids")}
        <textarea className="input" name="ids" defaultValue={defaults.ids} rows={2} required data-testid="onboard-ids" />
        <span className="faint">{t("idsHint")}</span>
      </label>
      {field("name", t("name"), { required: true })}
      <div style={{ display: "grid", gridTemplateColumns: "1fr 1fr 1fr", gap: 8 }}>
        {field("mcc", t("mcc"), { required: true, pattern: "[0-9]{4}" })}
        {field("currency", t("currency"), { required: true })}
        {field("country", t("country"))}
      </div>
      <div style={{ display: "grid", gridTemplateColumns: "1fr 1fr", gap: 8 }}>
        {field("timeZone", t("timeZone"), { required: true })}
        {field("city", t("city"))}
      </div>
      <div style={{ display: "flex", gap: 12, alignItems: "end" }}>
        <label style={{ display: "grid", gap: 4 }}>
          {t("plan")}
          <select className="input" name="plan" defaultValue="pro" data-testid="onboard-plan">
            {(["start", "pro", "business"] as const).map((p) => (
              <option key={p} value={p}>
                {tb(p)}
              </option>
            ))}
          </select>
        </label>
        <label style={{ display: "flex", gap: 6, alignItems: "center" }}>
          <input type="checkbox" name="trial" defaultChecked data-testid="onboard-trial" /> {t("trial")}
        </label>
      </div>
      <label style={{ display: "grid", gap: 4 }}>
        {t("owner")}
        <input className="input" type="email" name="owner" required data-testid="onboard-owner" />
      </label>
      {state && !state.ok ? (
        <p role="alert" data-testid="onboard-error">
          {t("errors.generic", { message: state.message })}
        </p>
      ) : null}
      <button className="btn btn-primary" type="submit" disabled={pending} data-testid="onboard-submit">
        {t("submit")}
      </button>
    </form>
  );
}

/** A single-input form (invite a manager) or a hidden-field form (portfolio changes) with its status. */
export function SmallForm({ action, children, submit, testId }: { action: Action; children: React.ReactNode; submit: string; testId?: string }) {
  const t = useTranslations("admin.staff");
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} style={{ display: "flex", gap: 8, alignItems: "end", flexWrap: "wrap" }} data-testid={testId}>
      {children}
      <button className="btn" type="submit" disabled={pending}>
        {submit}
      </button>
      {state?.ok ? <span role="status">✓</span> : null}
      {state && !state.ok ? <span role="alert">{t("errors.generic", { message: state.message })}</span> : null}
    </form>
  );
}
