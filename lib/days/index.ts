import { z } from "zod";

/*
 * Calendar days, the kernel (ARCHITECTURE.md: imports nothing of ours). A day is a local
 * calendar day 'YYYY-MM-DD' in the merchant's time zone; a period is half-open [from, to).
 */

/** A local calendar day 'YYYY-MM-DD' that exists (rejects '2024-02-30'). */
export const isoDaySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD")
  .refine((d) => {
    const ms = Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)));
    return new Date(ms).toISOString().slice(0, 10) === d;
  }, "not a calendar day");

/**
 * A half-open period `[from, to)` of local calendar days in the merchant's time zone, as
 * 'YYYY-MM-DD'. `to` is exclusive: January 2024 is { from: '2024-01-01', to: '2024-02-01' }.
 * The one schema shared by the API, the CLI and the UI.
 */
export const periodSchema = z
  .object({ from: isoDaySchema, to: isoDaySchema })
  .refine((p) => p.from < p.to, { message: "`from` must be before `to`", path: ["to"] });
export type Period = z.infer<typeof periodSchema>;
