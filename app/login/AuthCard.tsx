import type { ReactNode } from "react";
import { getTranslations } from "next-intl/server";
import { LocaleSwitcher } from "@/components/shell/LocaleSwitcher";
import styles from "./login.module.css";

/**
 * The card of the signed-out pages (sign-in, invitation, unsubscribe): the product's name, the
 * language switch, the page's title, then `children`.
 */
export async function AuthCard({ title, children }: { title: string; children: ReactNode }) {
  const tc = await getTranslations("common");
  return (
    <main className={styles.page}>
      <div className={styles.card}>
        <div className={styles.top}>
          <span className={styles.brand}>{tc("appName")}</span>
          <LocaleSwitcher />
        </div>
        <h1 className={styles.title}>{title}</h1>
        {children}
      </div>
    </main>
  );
}
