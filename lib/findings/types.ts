/*
 * The shape of a finding as the findings job stores it (model_runs.summary of kind 'findings')
 * and every reader (pages, CLI, digest) renders it: language-neutral, numbers typed, words come
 * from messages/<locale>/findings.json at render time (./render.ts). The stored shapes are the
 * findings run's contract (lib/runs/findings.ts, zod schemas); this module re-exports them for
 * the engine and its readers, and adds the engine's own input types.
 */

export {
  FINDING_KINDS,
  type Comparison,
  type Confidence,
  type Finding,
  type FindingKind,
  type FindingMetric,
  type FindingsSummary,
  type FindingValue,
} from "@/lib/runs/findings";

/** A peer revenue index as lib/privacy releases it (or withholds it, with the rule that applied). */
export type PeerIndexInput =
  | { released: true; series: ReadonlyArray<{ date: string; index: number }> }
  | { released: false; reason: string };
