"use client";

import { useMemo, type ReactNode } from "react";
import { NextIntlClientProvider, useLocale, useMessages } from "next-intl";
import { mergeMessages, type MessageTree } from "@/lib/i18n/client-messages";

/**
 * The client half of ClientMessages: the provider above's messages merged with `messages`;
 * locale, time zone, formats and error handling are inherited from the provider above.
 */
export function MoreMessages({ messages, children }: { messages: MessageTree; children: ReactNode }) {
  const locale = useLocale();
  const above = useMessages() as MessageTree;
  const merged = useMemo(() => mergeMessages(above, messages), [above, messages]);
  return (
    <NextIntlClientProvider locale={locale} messages={merged}>
      {children}
    </NextIntlClientProvider>
  );
}
