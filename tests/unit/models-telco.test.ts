/**
 * Validation on real data: IBM's Telco customer churn table (../shared/data/telco, see
 * ../shared/data/README.md §4), our GBDT against the L2 logistic-regression baseline on a seeded,
 * stratified 75/25 split. Published results on this table are around ROC AUC 0.84 for both model
 * families; the assertions sit a little under what this split measures (printed, and recorded in
 * docs/models/churn-model.md), never above. Skipped, with a message, when the data is absent.
 */
import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { brierScore, calibrationCurve, prAuc, rocAuc } from "@/lib/models/classificationMetrics";
import { encodeTable, fitStandardizer, fitTableEncoder, standardize, type ColumnSpec } from "../helpers/baselines/features";
import { fitGradientBoosting } from "@/lib/models/gbdt";
import { fitLogisticRegression, predictLogistic } from "../helpers/baselines/logistic";
import { predictMargin, predictProbability } from "@/lib/models/tree";
import { treeShapBatch } from "@/lib/models/treeshap";
import { Rng } from "@/lib/models/prng";

const CSV = path.resolve(__dirname, "../../../shared/data/telco/WA_Fn-UseC_-Telco-Customer-Churn.csv");
const present = fs.existsSync(CSV);
if (!present) console.warn(`models-telco: skipped, ${CSV} is absent (see ../shared/data/README.md §4)`);

const CATEGORICAL = ["gender", "Partner", "Dependents", "PhoneService", "MultipleLines", "InternetService", "OnlineSecurity", "OnlineBackup", "DeviceProtection", "TechSupport", "StreamingTV", "StreamingMovies", "Contract", "PaperlessBilling", "PaymentMethod"];
const NUMERIC = ["SeniorCitizen", "tenure", "MonthlyCharges", "TotalCharges"];

/** Seeded stratified split: a Fisher–Yates shuffle per class, the first 25 % of each to test. */
function stratifiedSplit(y: number[], testFraction: number, seed: number): { train: number[]; test: number[] } {
  const rng = new Rng(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const label of [0, 1]) {
    const idx = y.flatMap((v, i) => (v === label ? [i] : []));
    for (let i = idx.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    const nTest = Math.round(idx.length * testFraction);
    test.push(...idx.slice(0, nTest));
    train.push(...idx.slice(nTest));
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}

describe.skipIf(!present)("Telco churn (real data): GBDT vs logistic baseline", () => {
  it("parses, splits 75/25 stratified, and both models reach ROC AUC ≥ their floors", () => {
    const rows = parse(fs.readFileSync(CSV), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
    expect(rows).toHaveLength(7043);
    const y: number[] = rows.map((r) => (r.Churn === "Yes" ? 1 : 0));
    expect(y.reduce((s, v) => s + v, 0)).toBe(1869);
    const { train, test } = stratifiedSplit(y, 0.25, 2026);
    expect(test.length).toBe(Math.round(5174 * 0.25) + Math.round(1869 * 0.25));
    const pick = <T,>(a: T[], idx: number[]) => idx.map((i) => a[i]);

    // Trees: full one-hot; TotalCharges " " (11 tenure-0 rows) stays NaN for the default direction.
    const treeSpec: ColumnSpec[] = [...NUMERIC.map((name) => ({ name, kind: "numeric" as const })), ...CATEGORICAL.map((name) => ({ name, kind: "categorical" as const }))];
    const treeEnc = fitTableEncoder(pick(rows, train), treeSpec);
    const Xtrain = encodeTable(treeEnc, pick(rows, train));
    const Xtest = encodeTable(treeEnc, pick(rows, test));
    expect(Xtrain.flat().filter(Number.isNaN).length + Xtest.flat().filter(Number.isNaN).length).toBe(11);
    const ytrain = pick(y, train);
    const ytest = pick(y, test);
    const t0 = performance.now();
    const gbdt = fitGradientBoosting(Xtrain, ytrain, treeEnc.featureNames, { nTrees: 200, learningRate: 0.05, maxDepth: 3, minChildWeight: 5, subsample: 0.8, colsampleByTree: 0.8, seed: 1 });
    const fitMs = performance.now() - t0;
    const pG = Xtest.map((x) => predictProbability(gbdt, x));

    // Baseline: reference-level one-hot, columns standardised on the training rows, L2 = 1 (C = 1).
    const linSpec: ColumnSpec[] = [...NUMERIC.map((name) => ({ name, kind: "numeric" as const })), ...CATEGORICAL.map((name) => ({ name, kind: "categorical" as const, dropFirst: true }))];
    const linEnc = fitTableEncoder(pick(rows, train), linSpec);
    const Ltrain = encodeTable(linEnc, pick(rows, train));
    const scaler = fitStandardizer(Ltrain);
    const logit = fitLogisticRegression(standardize(scaler, Ltrain), ytrain, { l2: 1 });
    expect(logit.converged).toBe(true);
    const pL = standardize(scaler, encodeTable(linEnc, pick(rows, test))).map((x) => predictLogistic(logit, x));

    const report = {
      gbdt: { rocAuc: rocAuc(ytest, pG), prAuc: prAuc(ytest, pG), brier: brierScore(ytest, pG), trees: gbdt.trees.length, fitMs: Math.round(fitMs) },
      logistic: { rocAuc: rocAuc(ytest, pL), prAuc: prAuc(ytest, pL), brier: brierScore(ytest, pL), iterations: logit.iterations },
      calibrationGbdt: calibrationCurve(ytest, pG, 10),
    };
    console.log("models-telco", JSON.stringify(report));
    expect(report.gbdt.rocAuc).toBeGreaterThanOrEqual(0.85); // measured 0.8581
    expect(report.logistic.rocAuc).toBeGreaterThanOrEqual(0.84); // measured 0.8491

    // Explanations of the held-out rows add up to their margins.
    const shap = treeShapBatch(gbdt, Xtest.slice(0, 200));
    shap.forEach((e, i) => expect(Math.abs(e.baseValue + e.values.reduce((s, v) => s + v, 0) - predictMargin(gbdt, Xtest[i]))).toBeLessThan(1e-9));
  });
});
