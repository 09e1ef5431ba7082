"use client";

import { createContext, useContext, type ReactNode } from "react";

/** What client components need to know about the merchant on screen (no ids, no secrets). */
export interface MerchantInfo {
  slug: string;
  name: string;
  mcc: string;
  currency: string;
  timeZone: string;
  /** The features the merchant's plan grants now (lib/billing); absent = not known, treat as none. */
  features?: readonly string[];
}

const MerchantContext = createContext<MerchantInfo | null>(null);

export function MerchantProvider({ merchant, children }: { merchant: MerchantInfo; children: ReactNode }) {
  return <MerchantContext.Provider value={merchant}>{children}</MerchantContext.Provider>;
}

/** The merchant of the current /m/[slug] page; throws outside one (a programming error). */
export function useMerchant(): MerchantInfo {
  const merchant = useContext(MerchantContext);
  if (!merchant) throw new Error("useMerchant() outside <MerchantProvider>");
  return merchant;
}
