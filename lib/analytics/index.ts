/*
 * The analytics library's public surface: one metric family per file, each taking
 * (ctx, period, options) and returning typed rows; zod schemas of each family's query for the
 * API routes; the scope builder and date helpers the families share.
 */
export * from "./types";
export * from "./scope";
export * from "./math";
export * from "./getOverview";
export * from "./getRevenueDynamics";
export * from "./getCohortRetention";
export * from "./getCustomerSegments";
export * from "./getRegularCustomers";
export * from "./getSeasonality";
