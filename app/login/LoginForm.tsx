"use client";

import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { loginAction, type LoginState } from "./actions";
import styles from "./login.module.css";

/**
 * E-mail + password form posting to loginAction; works without JavaScript (progressive
 * enhancement of useActionState). The error is announced to screen readers (role="alert") and
 * tied to the fields with aria-describedby.
 */
export function LoginForm({ next, email = "" }: { next: string; email?: string }) {
  const t = useTranslations("auth.login");
  const [state, formAction, pending] = useActionState<LoginState, FormData>(loginAction, null);
  const errorId = "login-error";
  const invalid = state?.error === "invalidCredentials" || state?.error === "missingFields";
  return (
    <form action={formAction} className={styles.form}>
      <input type="hidden" name="next" value={next} />
      <label className={styles.label}>
        <span>{t("email")}</span>
        <input
          className={styles.input}
          type="email"
          name="email"
          autoComplete="username"
          required
          autoFocus
          defaultValue={state?.email ?? email}
          aria-invalid={invalid || undefined}
          aria-describedby={state ? errorId : undefined}
          data-testid="login-email"
        />
      </label>
      <label className={styles.label}>
        <span>{t("password")}</span>
        <input
          className={styles.input}
          type="password"
          name="password"
          autoComplete="current-password"
          required
          aria-invalid={invalid || undefined}
          aria-describedby={state ? errorId : undefined}
          data-testid="login-password"
        />
      </label>
      <p id={errorId} role="alert" className={styles.error} data-testid="login-error">
        {state ? t(state.error) : null}
      </p>
      <button type="submit" className={styles.submit} disabled={pending} aria-busy={pending} data-testid="login-submit">
        {pending ? t("submitting") : t("submit")}
      </button>
    </form>
  );
}
