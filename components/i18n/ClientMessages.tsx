import type { ReactNode } from "react";
import { getMessages } from "next-intl/server";
import { pickMessages, type MessageTree } from "@/lib/i18n/client-messages";
import { MoreMessages } from "./MoreMessages";

/**
 * Hands the client components of `children` the message paths `paths` (dotted: "churn",
 * "billing.locked"), on top of what the providers above hand down (the root layout's
 * ROOT_CLIENT_MESSAGES). A page or layout wraps everything it renders in one of these, listing
 * the paths its client components read (ADR 0034; tests/unit/i18n-client-messages.test.ts checks
 * the list against the components). Throws Error when a path is not in the catalogue.
 */
export async function ClientMessages({ paths, children }: { paths: readonly string[]; children: ReactNode }) {
  const messages = (await getMessages()) as MessageTree;
  return <MoreMessages messages={pickMessages(messages, paths)}>{children}</MoreMessages>;
}
