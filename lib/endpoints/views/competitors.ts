import { getCompetitorReport } from "@/lib/privacy/competitors";
import { competitorQuerySchema } from "@/lib/privacy/periods";
import { defineEndpoint } from "../define";

/**
 * Competitors: benchmarks against the peer group, revenue index, cross-shopping, share of wallet
 * and switching for one whole calendar month, quarter or year, each released by lib/privacy's
 * guard or withheld with its reason (read through lib/privacy, not the merchant scope).
 */
export const competitors = defineEndpoint({
  name: "competitors",
  feature: "competitors",
  query: competitorQuerySchema,
  summary: "Competitors",
  description:
    "Benchmarks against the MCC peer group, revenue index, cross-shopping, share of wallet and switching for one whole calendar month, quarter or year ([from, to)); every figure is released by the disclosure-control guard (at least 5 peers, none dominating, no cell under 5 customers) or withheld with its reason (a rule and a peer count). Figures built from other merchants are computed once per peer group and period, the same for every member, with keyed noise of at most ±15 % and 3 significant digits; the merchant's position is a quarter band. Any other period answers 400.",
  load: (access, period) => getCompetitorReport(access.merchant, period),
});
