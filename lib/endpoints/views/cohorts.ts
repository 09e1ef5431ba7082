import { getCohortRetention } from "@/lib/analytics/getCohortRetention";
import { periodSchema } from "@/lib/days";
import { defineEndpoint, table } from "../define";

/** Cohort retention: monthly cohorts of the months in the period and their retention (suppressed under 5). */
export const cohorts = defineEndpoint({
  name: "cohorts",
  feature: "customers",
  query: periodSchema,
  cache: "rollups",
  summary: "Cohort retention",
  description:
    "Monthly cohorts (customers by the month of their first purchase here) of the months in [from, to), each with its customer and revenue retention per month since; cells describing fewer than 5 customers are suppressed (null).",
  load: (access, period) => access.run((ctx) => getCohortRetention(ctx, period)),
  tables: (data) => [
    table(
      "cohort-retention",
      data.cohorts.flatMap((c) => c.cells.map((cell) => ({ c, cell }))),
      [
        { header: "cohort", type: "date", value: (r) => r.c.cohort },
        { header: "cohortSize", type: "integer", value: (r) => r.c.size },
        { header: "monthsSince", type: "integer", value: (r) => r.cell.k },
        { header: "month", type: "date", value: (r) => r.cell.month },
        { header: "customers", type: "integer", value: (r) => r.cell.customers },
        { header: "retention", type: "percent", value: (r) => r.cell.retention },
        { header: "netRevenue", type: "money", value: (r) => r.cell.revenueMinor },
        { header: "revenueRetention", type: "percent", value: (r) => r.cell.revenueRetention },
      ],
    ),
  ],
});
