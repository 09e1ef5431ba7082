"use client";

import type { ReactNode } from "react";

/** Avatar button with the user's name, e-mail and role, and the sign-out form (passed in). */
export function UserMenu({
  name,
  email,
  roleLabel,
  menuLabel,
  children,
}: {
  name: string | null;
  email: string;
  roleLabel: string | null;
  menuLabel: string;
  children: ReactNode;
}) {
  const display = name || email;
  const initials = display
    .split(/[\s@.]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase() ?? "")
    .join("");
  return (
    <details className="user-menu" data-testid="user-menu">
      <summary aria-label={menuLabel}>
        <span className="avatar" aria-hidden="true">
          {initials || "?"}
        </span>
      </summary>
      <div className="user-menu-panel">
        <strong>{display}</strong>
        {name ? <span className="email">{email}</span> : null}
        {roleLabel ? <span className="pill">{roleLabel}</span> : null}
        <hr />
        {children}
      </div>
    </details>
  );
}
