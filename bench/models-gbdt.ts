/**
 * `npx tsx bench/models-gbdt.ts`: figures for docs/models/churn-model.md, not tests.
 *
 * 1. Fit time of our GBDT on N × F seeded synthetic rows (default 50,000 × 20, 10 % missing in
 *    five columns), 100 trees of depth 6 (XGBoost's default depth and learning rate).
 * 2. TreeSHAP throughput of our implementation, rows × trees per second, over 2,000 rows.
 * 3. When /usr/bin/python3 has xgboost: XGBoost (hist, same data, same parameters, one thread)
 *    is trained on the same rows, its JSON model loaded here, and our treeShap timed against its
 *    pred_contribs on the same model and the same rows; prints the time ratio and the largest
 *    difference between the two explanations. Without Python, says the ratio is skipped.
 *
 * Flags: --rows N (50000), --features F (20), --trees T (100), --depth D (6), --shap-rows R (2000).
 * Single-threaded on both sides, since Node runs the TS code on one thread.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { rocAuc } from "@/lib/models/classificationMetrics";
import { fitGradientBoosting } from "@/lib/models/gbdt";
import { predictMargin, predictProbability, type TreeEnsemble } from "@/lib/models/tree";
import { treeShapBatch } from "@/lib/models/treeshap";
import { loadXgboostModel } from "@/lib/models/xgboostJson";
import { Rng } from "@/lib/models/prng";
import { normal } from "@/lib/models/samplers";

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "50000" },
    features: { type: "string", default: "20" },
    trees: { type: "string", default: "100" },
    depth: { type: "string", default: "6" },
    "shap-rows": { type: "string", default: "2000" },
  },
});
const N = Number(values.rows);
const F = Number(values.features);
const TREES = Number(values.trees);
const DEPTH = Number(values.depth);
const SHAP_ROWS = Number(values["shap-rows"]);
const PYTHON = "/usr/bin/python3";

/** Seeded synthetic churn-like data, float32-representable so XGBoost sees the same numbers. */
function makeData(seed: number, n: number, f: number) {
  const rng = new Rng(seed);
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = Array.from({ length: f }, () => Math.fround(normal(rng)));
    const z = 0.8 * x[0] - 0.6 * x[1] + 0.5 * x[2] * x[3] + Math.sin(2 * x[4]) + 0.3 * Math.abs(x[5]) - 0.4 * (x[6] > 0.5 ? 1 : 0) - 0.5;
    for (let j = 0; j < Math.min(5, f); j++) if (rng.chance(0.1)) x[j] = Number.NaN;
    X.push(x);
    y.push(rng.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0);
  }
  return { X, y };
}

/** Mean leaves per tree: TreeSHAP's cost grows with leaves × depth², so report it beside rates. */
function leavesPerTree(model: TreeEnsemble): number {
  let leaves = 0;
  for (const t of model.trees) for (let i = 0; i < t.left.length; i++) if (t.left[i] === -1) leaves++;
  return leaves / model.trees.length;
}

/** Wall and CPU seconds of fn; CPU time (process.cpuUsage) is what a shared, loaded machine
 * distorts least, since waiting for a core counts in wall time only. */
function timed<T>(fn: () => T): { wall: number; cpu: number; result: T } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = fn();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1e6, result };
}

function timeShap(model: TreeEnsemble, rows: number[][]): { wall: number; cpu: number; values: Float64Array[] } {
  treeShapBatch(model, rows.slice(0, 200)); // warm the JIT before timing
  let best = { wall: Infinity, cpu: Infinity };
  let out: Float64Array[] = [];
  for (let rep = 0; rep < 5; rep++) {
    const t = timed(() => treeShapBatch(model, rows).map((e) => e.values));
    out = t.result;
    if (t.cpu < best.cpu) best = { wall: t.wall, cpu: t.cpu };
  }
  return { ...best, values: out };
}

const PY = String.raw`
import json, sys, time
import numpy as np, xgboost as xgb
d, n, f, trees, depth, shap_rows = sys.argv[1], *map(int, sys.argv[2:7])
X = np.fromfile(d + "/X.f32", dtype=np.float32).reshape(n, f)
y = np.fromfile(d + "/y.f32", dtype=np.float32)
params = {"objective": "binary:logistic", "tree_method": "hist", "max_depth": depth, "eta": 0.3,
          "lambda": 1.0, "min_child_weight": 1.0, "max_bin": 256, "nthread": 1, "seed": 0}
dtrain = xgb.DMatrix(X, label=y, missing=np.nan)
t0, c0 = time.perf_counter(), time.process_time()
bst = xgb.train(params, dtrain, num_boost_round=trees)
fit, fit_cpu = time.perf_counter() - t0, time.process_time() - c0
bst.save_model(d + "/model.json")
dshap = xgb.DMatrix(X[:shap_rows], missing=np.nan)
bst.predict(dshap, pred_contribs=True)
best, best_cpu = float("inf"), float("inf")
for _ in range(5):
    t0, c0 = time.perf_counter(), time.process_time()
    c = bst.predict(dshap, pred_contribs=True)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    if cpu < best_cpu:
        best, best_cpu = wall, cpu
c.astype(np.float64).tofile(d + "/contribs.f64")
print(json.dumps({"version": xgb.__version__, "fitSeconds": fit, "fitCpu": fit_cpu, "shapSeconds": best, "shapCpu": best_cpu}))
`;

function main() {
  console.log(`models-gbdt bench: ${N} rows × ${F} features, ${TREES} trees of depth ${DEPTH}, SHAP on ${SHAP_ROWS} rows; node ${process.version}, ${os.cpus().length} cpus`);
  const { X, y } = makeData(7, N, F);
  const names = Array.from({ length: F }, (_, i) => `f${i}`);
  const fit = timed(() => fitGradientBoosting(X, y, names, { nTrees: TREES, maxDepth: DEPTH, learningRate: 0.3, seed: 1 }));
  const model = fit.result;
  const holdout = makeData(8, 10000, F);
  const auc = rocAuc(holdout.y, holdout.X.map((x) => predictProbability(model, x)));
  console.log(`load average ${os.loadavg().map((v) => v.toFixed(1)).join(" ")} (figures scale with it on a shared machine)`);
  console.log(`ours: fit ${fit.wall.toFixed(2)} s wall, ${fit.cpu.toFixed(2)} s CPU (${model.trees.length} trees, ${leavesPerTree(model).toFixed(1)} leaves per tree), holdout ROC AUC ${auc.toFixed(4)}`);
  const rows = X.slice(0, SHAP_ROWS);
  const ours = timeShap(model, rows);
  console.log(`ours: TreeSHAP ${ours.wall.toFixed(3)} s wall, ${ours.cpu.toFixed(3)} s CPU for ${SHAP_ROWS} rows → ${Math.round((SHAP_ROWS * model.trees.length) / ours.cpu).toLocaleString("en")} rows×trees per CPU second`);

  let hasXgb = false;
  try {
    execFileSync(PYTHON, ["-c", "import xgboost"], { stdio: "ignore" });
    hasXgb = true;
  } catch {
    console.log(`ratio to XGBoost skipped: ${PYTHON} with xgboost is not available`);
  }
  if (!hasXgb) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-gbdt-"));
  try {
    const flat = new Float32Array(N * F);
    X.forEach((x, i) => x.forEach((v, j) => (flat[i * F + j] = v)));
    fs.writeFileSync(path.join(dir, "X.f32"), Buffer.from(flat.buffer));
    fs.writeFileSync(path.join(dir, "y.f32"), Buffer.from(Float32Array.from(y).buffer));
    const out = JSON.parse(execFileSync(PYTHON, ["-c", PY, dir, String(N), String(F), String(TREES), String(DEPTH), String(SHAP_ROWS)], { encoding: "utf8" })) as { version: string; fitSeconds: number; fitCpu: number; shapSeconds: number; shapCpu: number };
    const xgbModel = loadXgboostModel(JSON.parse(fs.readFileSync(path.join(dir, "model.json"), "utf8")));
    const theirs = timeShap(xgbModel, rows);
    const buf = fs.readFileSync(path.join(dir, "contribs.f64"));
    const contribs = new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
    let maxDiff = 0;
    let maxAbs = 0;
    theirs.values.forEach((v, i) => {
      for (let j = 0; j < F; j++) {
        maxDiff = Math.max(maxDiff, Math.abs(v[j] - contribs[i * (F + 1) + j]));
        maxAbs = Math.max(maxAbs, Math.abs(contribs[i * (F + 1) + j]));
      }
    });
    let local = 0;
    rows.forEach((x, i) => {
      let s = contribs[i * (F + 1) + F];
      for (let j = 0; j < F; j++) s += theirs.values[i][j];
      local = Math.max(local, Math.abs(s - predictMargin(xgbModel, x)));
    });
    const rate = (SHAP_ROWS * xgbModel.trees.length) / theirs.cpu;
    const xgbRate = (SHAP_ROWS * xgbModel.trees.length) / out.shapCpu;
    console.log(`xgboost ${out.version}: fit ${out.fitSeconds.toFixed(2)} s wall, ${out.fitCpu.toFixed(2)} s CPU (hist, 1 thread, ${leavesPerTree(xgbModel).toFixed(1)} leaves per tree), holdout ROC AUC ${rocAuc(holdout.y, holdout.X.map((x) => predictProbability(xgbModel, x))).toFixed(4)}`);
    console.log(`xgboost pred_contribs: ${out.shapSeconds.toFixed(3)} s wall, ${out.shapCpu.toFixed(3)} s CPU → ${Math.round(xgbRate).toLocaleString("en")} rows×trees per CPU second`);
    console.log(`ours on the XGBoost model: ${theirs.wall.toFixed(3)} s wall, ${theirs.cpu.toFixed(3)} s CPU → ${Math.round(rate).toLocaleString("en")} rows×trees per CPU second`);
    console.log(`TreeSHAP time ratio ours / XGBoost pred_contribs: ${(theirs.cpu / out.shapCpu).toFixed(2)} (CPU), ${(theirs.wall / out.shapSeconds).toFixed(2)} (wall)`);
    console.log(`max |ours − pred_contribs| = ${maxDiff.toExponential(2)} (largest |contribution| ${maxAbs.toFixed(3)}); max |XGBoost bias + Σ ours − our margin| = ${local.toExponential(2)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
