"use client";

import { useActionState } from "react";
import { useTranslations } from "next-intl";

/** What the server action answers to the form (app/… actions.ts). */
export type TeamFormState = { ok: true; email: string } | { ok: false; error: "invalid_input" | "not_allowed" | "not_found" | "generic" } | null;

type Action = (prev: TeamFormState, data: FormData) => Promise<TeamFormState>;

/** Invite a colleague: e-mail and one of the roles the actor may invite. */
export function InviteForm({ action, roles }: { action: Action; roles: Array<"merchant_owner" | "merchant_viewer"> }) {
  const t = useTranslations("billing");
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className="stacked-form" style={{ display: "flex", gap: 12, alignItems: "end", flexWrap: "wrap" }} data-testid="invite-form">
      <label>
        {t("team.email")}
        <input className="input" type="email" name="email" required autoComplete="off" data-testid="invite-email" />
      </label>
      <label>
        {t("team.inviteRole")}
        <select className="input" name="role" defaultValue={roles.includes("merchant_viewer") ? "merchant_viewer" : roles[0]} data-testid="invite-role">
          {roles.map((r) => (
            <option key={r} value={r}>
              {t(`roles.${r}`)}
            </option>
          ))}
        </select>
      </label>
      <button className="btn btn-primary" type="submit" disabled={pending} data-testid="invite-submit">
        {t("team.send")}
      </button>
      {state?.ok ? (
        <span role="status" data-testid="invite-sent">
          {t("team.sent", { email: state.email })}
        </span>
      ) : null}
      {state && !state.ok ? <span role="alert">{t(`team.errors.${state.error}`)}</span> : null}
    </form>
  );
}

/** One member's remove button. */
export function RemoveMemberButton({ action, userId, email }: { action: Action; userId: string; email: string }) {
  const t = useTranslations("billing");
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction}>
      <input type="hidden" name="userId" value={userId} />
      <button className="btn" type="submit" disabled={pending} data-testid={`remove-${email}`}>
        {t("team.remove")}
      </button>
      {state && !state.ok ? <span role="alert">{t(`team.errors.${state.error}`)}</span> : null}
    </form>
  );
}
