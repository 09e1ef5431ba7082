/*
 * Distributions, the kernel (ARCHITECTURE.md: imports nothing of ours). One implementation of
 * each, at the accuracy double precision allows (about 1e-15 relative, a few 1e-14 at worst):
 * - special.ts: ln Γ, ln B, the regularized incomplete gamma Q and beta I;
 * - distributions.ts: the standard normal (CDF, tail, two-sided p, quantile) and Student's t
 *   (two-sided p, quantile);
 * - welch.ts: sample moments and Welch's two-sample t-test;
 * - descriptive.ts: sample quantiles.
 * lib/models, lib/findings and lib/campaigns import these; nothing copies them.
 */
export * from "./special";
export * from "./distributions";
export * from "./welch";
export * from "./descriptive";
