"use client";

import { useActionState, useState } from "react";
import { useTranslations } from "next-intl";

/** What the token actions answer (app/m/[slug]/api/actions.ts); `token` is the new token in clear, shown once. */
export type TokenFormState =
  | { ok: true; token: string | null; name: string }
  | { ok: false; error: "invalid_input" | "not_allowed" | "not_found" | "too_many" | "generic"; max?: number }
  | null;

type Action = (prev: TokenFormState, data: FormData) => Promise<TokenFormState>;

/** Create a token: a name; the answer shows the token once with a copy button. */
export function CreateTokenForm({ action }: { action: Action }) {
  const t = useTranslations("api.tokens");
  const [state, formAction, pending] = useActionState(action, null);
  const [copied, setCopied] = useState(false);
  return (
    <div className="grid" style={{ gap: 12 }}>
      <form action={formAction} style={{ display: "flex", gap: 12, alignItems: "end", flexWrap: "wrap" }} data-testid="token-form">
        <label style={{ flex: "1 1 240px" }}>
          {t("name")}
          <input className="input" name="name" required maxLength={80} placeholder={t("namePlaceholder")} autoComplete="off" data-testid="token-name" style={{ width: "100%" }} />
        </label>
        <button className="btn btn-primary" type="submit" disabled={pending} data-testid="token-create">
          {pending ? t("creating") : t("create")}
        </button>
      </form>
      {state?.ok && state.token ? (
        <div role="status" className="token-reveal" data-testid="token-created">
          <p style={{ margin: "0 0 8px" }}>{t("created", { name: state.name })}</p>
          <div style={{ display: "flex", gap: 8, alignItems: "center", flexWrap: "wrap" }}>
            <code data-testid="token-value" style={{ wordBreak: "break-all", padding: "6px 8px", background: "var(--surface-2, #f3f4f6)", borderRadius: 6, flex: "1 1 320px" }}>
              {state.token}
            </code>
            <button
              className="btn"
              type="button"
              onClick={() => {
                void navigator.clipboard?.writeText(state.token!).then(() => setCopied(true));
              }}
            >
              {copied ? t("copied") : t("copy")}
            </button>
          </div>
        </div>
      ) : null}
      {state && !state.ok ? <span role="alert">{t(`errors.${state.error}`, { max: state.max ?? 0 })}</span> : null}
    </div>
  );
}

/** One token's revoke button (asks first). */
export function RevokeTokenButton({ action, id, prefix }: { action: Action; id: string; prefix: string }) {
  const t = useTranslations("api.tokens");
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form
      action={formAction}
      onSubmit={(e) => {
        if (!window.confirm(t("revokeConfirm", { prefix }))) e.preventDefault();
      }}
    >
      <input type="hidden" name="id" value={id} />
      <button className="btn" type="submit" disabled={pending} data-testid={`revoke-${prefix}`}>
        {t("revoke")}
      </button>
      {state && !state.ok ? <span role="alert">{t(`errors.${state.error}`, { max: state.max ?? 0 })}</span> : null}
    </form>
  );
}
