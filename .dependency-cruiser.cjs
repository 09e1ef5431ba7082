/**
 * The walls of ../shared/ARCHITECTURE.md ("The rooms"), checked by `npm run lint`
 * (dependency-cruiser). Each room lists the rooms it may import; an import of any other room of
 * ours is an error, and so is an import circle. Arrows point down the dependencies only.
 * Amendments to the architecture's table are explained beside the room (docs/adr/0012-walls-checked-by-lint.md).
 * tests/unit/walls.test.ts proves that a forbidden import fails this check.
 */
const KERNEL = ["lib/days", "lib/stats", "lib/csv", "lib/errors", "lib/format"];
const DB = ["db"];
const MESSAGES = ["messages"]; // JSON messages: data, not code
/** Pure modules of server rooms that the browser may load too (no db, no secrets). */
const CLIENT_SAFE = ["lib/billing/plans", "lib/auth/actions", "lib/findings/render", "lib/runs/render", "lib/runs/forecast"];

/** room (path prefix) -> rooms it may import (besides itself). Order: top of the house last. */
const ROOMS = {
  // kernel: leaf modules that import nothing of ours
  "lib/days": [],
  "lib/stats": [],
  "lib/csv": [],
  "lib/errors": [],
  "lib/format": [],
  // size-limited request bodies: every body-reading route handler reads through it
  "lib/http": ["lib/errors"],
  db: [...KERNEL],
  "lib/models": [...KERNEL],
  "lib/forecast": [...KERNEL, "lib/models"],
  "lib/charts": [...KERNEL],
  "lib/synthetic": [...KERNEL, "lib/models"],
  "lib/tenancy": [...KERNEL, ...DB],
  "lib/rollups": [...KERNEL, ...DB, "lib/tenancy"],
  "lib/audit": [...KERNEL, ...DB, "lib/tenancy"],
  "lib/mail": [...KERNEL, ...DB, "lib/tenancy", ...MESSAGES, "lib/i18n"],
  // lib/runs/render turns stored codes into words (messages through lib/i18n's translator)
  "lib/runs": [...KERNEL, "lib/models", "lib/forecast", ...MESSAGES, "lib/i18n"],
  // lib/analytics' customer-day and RFM readers (and the data range they check first) and
  // lib/offers' measured-units reader: lib/privacy reads segment members' rows for the pools in
  // their own scopes (churnDays.ts, clvRows.ts, offerUnits.ts; wall 2: lib/privacy owns every
  // cross-merchant read). None of them imports lib/privacy: no circle.
  "lib/privacy": [...KERNEL, ...DB, "lib/tenancy", "lib/models", "lib/runs", "lib/analytics/getChurnFeatureDays", "lib/analytics/churnFeaturesFromDays", "lib/analytics/getDataRange", "lib/analytics/getRfmSummary", "lib/offers/units", "lib/offers/measure", "lib/offers/assign"],
  "lib/findings": [...KERNEL, "lib/models", "lib/runs", "lib/forecast", ...MESSAGES, "lib/i18n"],
  "lib/analytics": [...KERNEL, ...DB, "lib/tenancy", "lib/privacy", "lib/runs", "lib/models", "lib/forecast", "lib/findings"],
  // the queue's enqueue lives in lib/jobs (ingest writes its requests in the same transaction)
  "lib/ingest": [...KERNEL, ...DB, "lib/tenancy", "lib/rollups", "lib/jobs/enqueue", "lib/jobs/outbox"],
  // session -> membership -> merchant -> permission; plans; audit; e-mail; onboarding registers
  // the bank's merchant through ingest's merchant rules (one definition of a valid merchant)
  "lib/billing": [...KERNEL, ...DB, "lib/tenancy", "lib/audit", "lib/http"],
  "lib/auth": [...KERNEL, ...DB, "lib/tenancy", "lib/audit", "lib/billing", "lib/mail"],
  "lib/accounts": [...KERNEL, ...DB, "lib/tenancy", "lib/audit", "lib/auth", "lib/billing", "lib/mail", "lib/ingest", "lib/i18n", ...MESSAGES],
  "lib/i18n": [...KERNEL, "lib/auth", ...MESSAGES],
  // lib/ingest: the worker's `load` queue runs ingestFile (ingest itself imports only lib/jobs/outbox: no circle)
  "lib/jobs": [...KERNEL, ...DB, "lib/tenancy", "lib/analytics", "lib/privacy", "lib/models", "lib/forecast", "lib/findings", "lib/runs", "lib/mail", "lib/billing", "lib/i18n", ...MESSAGES, "lib/audit", "lib/rollups", "lib/ingest"],
  // campaign uploads are read with ingest's streaming CSV reader and field rules
  "lib/campaigns": [...KERNEL, ...DB, "lib/tenancy", "lib/analytics", "lib/privacy", "lib/models", "lib/runs", "lib/ingest", "lib/auth", "lib/jobs"],
  "lib/offers": [...KERNEL, ...DB, "lib/tenancy", "lib/analytics", "lib/privacy", "lib/models", "lib/runs", "lib/jobs", "lib/campaigns"],
  // lib/jobs/refit: stored runs are read through the refit-on-read loader (an older format queues a refit)
  "lib/endpoints": [...KERNEL, ...DB, "lib/jobs/refit", "lib/tenancy", "lib/auth", "lib/analytics", "lib/runs", "lib/privacy", "lib/findings", "lib/campaigns", "lib/offers", "lib/billing", "lib/audit", "lib/charts", "lib/forecast", "lib/i18n", ...MESSAGES],
};

const OURS = "^(lib|db|app|components|scripts|messages)/";
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
const prefix = (room) => `^${esc(room)}(/|\\.[a-z]+$)`;
const anyOf = (rooms) => `(${rooms.map(prefix).join("|")})`;

const roomRules = Object.entries(ROOMS).map(([room, allowed]) => ({
  name: `room:${room}`,
  comment: `${room} may import only: ${allowed.length ? allowed.join(", ") : "nothing of ours (kernel)"}`,
  severity: "error",
  from: { path: prefix(room) },
  to: { path: OURS, pathNot: anyOf([room, ...allowed]) },
}));

module.exports = {
  forbidden: [
    ...roomRules,
    {
      name: "no-circular",
      comment: "import circles make the house unreadable and break module initialisation order",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "lib-not-upward",
      comment: "nothing in lib/ or db/ imports app/, components/ or scripts/ (arrows point down)",
      severity: "error",
      from: { path: "^(lib|db)/" },
      to: { path: "^(app|components|scripts)/" },
    },
    {
      name: "ui-no-db",
      comment: "app/ and components/ never import db (ARCHITECTURE.md); they reach data through lib",
      severity: "error",
      from: { path: "^(app|components)/" },
      to: { path: "^db/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "components-only-client-rooms",
      comment:
        "components/ import lib/charts, lib/endpoints (client side), the kernel and i18n, a few pure client-safe modules (plan table, sign-out action, findings renderer, forecast metric list), and types (type-only imports) from any room",
      severity: "error",
      from: { path: "^components/" },
      to: {
        path: "^lib/",
        pathNot: anyOf([...KERNEL, "lib/charts", "lib/endpoints", "lib/i18n", ...CLIENT_SAFE]),
        dependencyTypesNot: ["type-only"],
      },
    },
    {
      name: "privacy-internals",
      comment: "other merchants' unguarded figures stay inside lib/privacy: only its guarded surface is imported from outside",
      severity: "error",
      from: { path: "^", pathNot: "^(lib/privacy/|tests/|bench/)" },
      to: { path: "^lib/privacy/(internal/|.*\\.internal\\.ts$)" },
    },
    {
      name: "peer-reads-in-privacy",
      comment:
        "a merchant's customer-day rows (lib/analytics/getChurnFeatureDays), the rows a segment member gives to a pool, are read through lib/privacy only (lib/privacy/churnDays.ts): it owns every cross-merchant read (wall 2)",
      severity: "error",
      from: { path: "^", pathNot: "^(lib/privacy/|tests/|bench/)" },
      to: { path: "^lib/analytics/getChurnFeatureDays\\.ts$", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "peer-pool-in-privacy",
      comment:
        "the segment pool (lib/privacy/segmentPool.ts) hands its reader each peer's identity; only lib/privacy calls it (churnDays.ts, clvRows.ts, offerUnits.ts), so no job or page ever holds a peer's id (wall 2)",
      severity: "error",
      from: { path: "^", pathNot: "^(lib/privacy/|tests/|bench/)" },
      to: { path: "^lib/privacy/segmentPool\\.ts$" },
    },
    {
      name: "scripts-thin",
      comment: "scripts/ are entry points over lib; nothing imports them except other scripts",
      severity: "error",
      from: { path: "^(lib|db|app|components)/" },
      to: { path: "^scripts/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|\\.next|\\.data|test-results|drizzle)/" },
    includeOnly: "^(lib|db|app|components|scripts|messages|proxy\\.ts|next\\.config\\.ts)",
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".json"],
    },
    moduleSystems: ["es6", "cjs"],
  },
};
