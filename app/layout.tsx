import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { NextIntlClientProvider } from "next-intl";
import { getLocale, getMessages, getTranslations } from "next-intl/server";
import { pickMessages, ROOT_CLIENT_MESSAGES, type MessageTree } from "@/lib/i18n/client-messages";
import { Providers } from "@/components/Providers";
import "./globals.css";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("common");
  return {
    title: { default: t("appName"), template: `%s · ${t("appName")}` },
    description: t("appTagline"),
    // public/: the web app manifest and the home-screen icon (the tab icon is app/icon.svg).
    manifest: "/manifest.webmanifest",
    icons: { apple: "/apple-touch-icon.png" },
  };
}

export const viewport: Viewport = { width: "device-width", initialScale: 1, themeColor: "#ffffff" };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const [locale, messages] = await Promise.all([getLocale(), getMessages()]);
  return (
    <html lang={locale}>
      <body>
        {/* The locale is inherited from lib/i18n/request.ts; the browser gets only the messages
            every page's client components read (pages add theirs with <ClientMessages>, ADR 0034);
            days are formatted as UTC calendar days by lib/format, so the provider's time zone is
            fixed to UTC too. */}
        <NextIntlClientProvider timeZone="UTC" messages={pickMessages(messages as MessageTree, ROOT_CLIENT_MESSAGES)}>
          <Providers>{children}</Providers>
        </NextIntlClientProvider>
      </body>
    </html>
  );
}
