/**
 * The walls of ../shared/ARCHITECTURE.md are checked by `npm run lint` with dependency-cruiser
 * (.dependency-cruiser.cjs, docs/adr/0012-walls-checked-by-lint.md). This test proves the check
 * can fail: on a throw-away tree that breaks each wall once, every break is reported under its
 * rule; and it holds the repository itself at zero violations and zero import circles.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");
const CLI = path.join(ROOT, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs");

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

/** Runs the project's dependency check in `cwd` over `dirs`; the violations it reports. */
function cruise(cwd: string, dirs: string[]): Violation[] {
  let out: string;
  try {
    out = execFileSync(process.execPath, [CLI, ...dirs, "--config", path.join(cwd, ".dependency-cruiser.cjs"), "--output-type", "json"], {
      cwd,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (err) {
    // Exit code = number of errors; the JSON report is still on stdout.
    out = (err as { stdout: string }).stdout;
  }
  return (JSON.parse(out) as { summary: { violations: Violation[] } }).summary.violations;
}

/** A throw-away tree with the project's config, one file per entry. */
function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "walls-"));
  fs.copyFileSync(path.join(ROOT, ".dependency-cruiser.cjs"), path.join(dir, ".dependency-cruiser.cjs"));
  fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { baseUrl: ".", paths: { "@/*": ["./*"] }, jsx: "react-jsx" } }));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

const made: string[] = [];
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

describe("the dependency rules", () => {
  it("report each forbidden import under its rule", () => {
    const dir = tree({
      "db/client.ts": "export const db = 1;\n",
      // kernel importing the database
      "lib/days/index.ts": 'import { db } from "@/db/client";\nexport const d = db;\n',
      // analytics may use lib/privacy's guarded surface, but not its internals
      "lib/privacy/competitors/members.internal.ts": "export const members = [1, 2, 3];\n",
      "lib/analytics/getX.ts": 'import { members } from "@/lib/privacy/competitors/members.internal";\nexport const x = members;\n',
      // lib importing the UI (an upward arrow)
      "components/Chart.tsx": "export const Chart = 1;\n",
      "lib/charts/build.ts": 'import { Chart } from "@/components/Chart";\nexport const b = Chart;\n',
      // a component importing a server room as a value
      "lib/jobs/run.ts": "export const run = 1;\n",
      "components/View.tsx": 'import { run } from "@/lib/jobs/run";\nexport const v = run;\n',
      // an import circle inside one room (reported once, at the import that closes it)
      "lib/models/a.ts": 'import { b } from "./b";\nexport const a = () => b;\n',
      "lib/models/b.ts": 'import { a } from "./a";\nexport const b = () => a;\n',
      // a peer read outside lib/privacy: a job importing the customer-day reader to open a peer's
      // scope itself (lib/privacy/churnDays.ts owns that read; the pure features are allowed)
      "lib/tenancy/scope.ts": "export const withMerchantScope = 1;\n",
      "lib/analytics/getChurnFeatureDays.ts": "export const getChurnFeatureDays = 1;\n",
      "lib/analytics/churnFeaturesFromDays.ts": "export const churnFeaturesFromDays = 1;\n",
      "lib/jobs/peek.ts":
        'import { withMerchantScope } from "@/lib/tenancy/scope";\nimport { getChurnFeatureDays } from "@/lib/analytics/getChurnFeatureDays";\nimport { churnFeaturesFromDays } from "@/lib/analytics/churnFeaturesFromDays";\nexport const peek = [withMerchantScope, getChurnFeatureDays, churnFeaturesFromDays];\n',
      // allowed: lib/privacy reads them
      "lib/privacy/churnDays.ts": 'import { getChurnFeatureDays } from "@/lib/analytics/getChurnFeatureDays";\nimport { poolSegmentRows } from "./segmentPool";\nexport const read = [getChurnFeatureDays, poolSegmentRows];\n',
      // the segment pool hands its reader each peer's identity: a job calling it directly is
      // reported (lib/privacy's churnDays, clvRows and offerUnits are the only callers)
      "lib/privacy/segmentPool.ts": "export const poolSegmentRows = 1;\n",
      "lib/jobs/pool.ts": 'import { poolSegmentRows } from "@/lib/privacy/segmentPool";\nexport const pool = poolSegmentRows;\n',
      // allowed: models import the kernel; components import lib/charts
      "lib/stats/index.ts": "export const s = 1;\n",
      "lib/models/c.ts": 'import { s } from "@/lib/stats";\nexport const c = s;\n',
      "components/Ok.tsx": 'import { b } from "@/lib/charts/build";\nexport const ok = b;\n',
    });
    made.push(dir);
    const found = cruise(dir, ["lib", "db", "components"])
      .map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)
      .sort();
    expect(found).toEqual(
      [
        "components-only-client-rooms: components/View.tsx -> lib/jobs/run.ts",
        "lib-not-upward: lib/charts/build.ts -> components/Chart.tsx",
        "no-circular: lib/models/a.ts -> lib/models/b.ts",
        "peer-reads-in-privacy: lib/jobs/peek.ts -> lib/analytics/getChurnFeatureDays.ts",
        "peer-pool-in-privacy: lib/jobs/pool.ts -> lib/privacy/segmentPool.ts",
        "privacy-internals: lib/analytics/getX.ts -> lib/privacy/competitors/members.internal.ts",
        "room:lib/charts: lib/charts/build.ts -> components/Chart.tsx",
        "room:lib/days: lib/days/index.ts -> db/client.ts",
      ].sort(),
    );
  });

  it("find no violation and no import circle in the repository", () => {
    const violations = cruise(ROOT, ["lib", "db", "app", "components", "scripts", "proxy.ts"]);
    expect(violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)).toEqual([]);
  });
});
