/**
 * Turning a table of mixed columns into the numeric matrices the models take.
 *
 * - Numeric columns pass through; an empty or unparsable cell becomes NaN (missing), which the
 *   trees route by their learned default direction.
 * - Categorical columns become one-hot indicator columns `name=level` (levels sorted so the
 *   encoding does not depend on row order), optionally dropping the first level as the
 *   reference (a full one-hot set is collinear with the intercept of a linear model; the trees
 *   do not care), or one ordinal column of level indices.
 * - Standardisation (x − mean) / sd, with mean and sd learned on the training rows only, for
 *   the logistic baseline, whose L2 penalty is not scale-free.
 * Levels unseen in fitting encode to all zeros (one-hot) or NaN (ordinal) rather than throwing,
 * so a new product category in scoring data degrades instead of failing.
 */

export type ColumnSpec =
  | { name: string; kind: "numeric" }
  | { name: string; kind: "categorical"; encoding?: "onehot" | "ordinal"; dropFirst?: boolean; levels?: string[] };

export interface TableEncoder {
  columns: { name: string; kind: "numeric" | "categorical"; encoding: "onehot" | "ordinal"; levels: string[]; dropFirst: boolean }[];
  /** Output column names in order: numeric names as given, one-hot columns as `name=level`. */
  featureNames: string[];
}

/** Parses a numeric cell: trimmed, empty → NaN, else Number (NaN when unparsable). */
export function parseNumber(cell: string | number | null | undefined): number {
  if (typeof cell === "number") return cell;
  if (cell === null || cell === undefined) return Number.NaN;
  const t = cell.trim();
  return t === "" ? Number.NaN : Number(t);
}

/**
 * Learns the levels of categorical columns from `rows` (objects keyed by column name).
 * @throws Error when a column named in `spec` is absent from the first row.
 */
export function fitTableEncoder(rows: readonly Record<string, string>[], spec: readonly ColumnSpec[]): TableEncoder {
  const columns: TableEncoder["columns"] = [];
  const featureNames: string[] = [];
  for (const c of spec) {
    if (rows.length > 0 && !(c.name in rows[0])) throw new Error(`fitTableEncoder: column ${c.name} is absent`);
    if (c.kind === "numeric") {
      columns.push({ name: c.name, kind: "numeric", encoding: "ordinal", levels: [], dropFirst: false });
      featureNames.push(c.name);
      continue;
    }
    const levels = c.levels ? [...c.levels] : [...new Set(rows.map((r) => r[c.name]))].sort();
    const encoding = c.encoding ?? "onehot";
    const dropFirst = c.dropFirst ?? false;
    columns.push({ name: c.name, kind: "categorical", encoding, levels, dropFirst });
    if (encoding === "ordinal") featureNames.push(c.name);
    else for (const level of levels.slice(dropFirst ? 1 : 0)) featureNames.push(`${c.name}=${level}`);
  }
  return { columns, featureNames };
}

/** Encodes rows with a fitted encoder: rows × encoder.featureNames.length. */
export function encodeTable(encoder: TableEncoder, rows: readonly Record<string, string>[]): number[][] {
  return rows.map((row) => {
    const out: number[] = [];
    for (const c of encoder.columns) {
      const cell = row[c.name];
      if (c.kind === "numeric") {
        out.push(parseNumber(cell));
      } else if (c.encoding === "ordinal") {
        const k = c.levels.indexOf(cell);
        out.push(k === -1 ? Number.NaN : k);
      } else {
        for (let k = c.dropFirst ? 1 : 0; k < c.levels.length; k++) out.push(cell === c.levels[k] ? 1 : 0);
      }
    }
    return out;
  });
}

export interface Standardizer {
  mean: Float64Array;
  /** Sample standard deviation (n − 1); 1 for constant columns so they map to 0. */
  sd: Float64Array;
}

/**
 * Column means and standard deviations over the non-missing values of X (rows × features).
 * @throws Error on an empty or ragged matrix.
 */
export function fitStandardizer(X: readonly (readonly number[])[]): Standardizer {
  if (X.length === 0) throw new Error("fitStandardizer: no rows");
  const k = X[0].length;
  const mean = new Float64Array(k);
  const sd = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    // Welford's update (Welford 1962) keeps the variance accurate for large-valued columns.
    let count = 0;
    let mu = 0;
    let m2 = 0;
    for (const row of X) {
      if (row.length !== k) throw new Error(`fitStandardizer: ragged row of ${row.length} values, expected ${k}`);
      const v = row[j];
      if (v !== v) continue;
      count++;
      const d = v - mu;
      mu += d / count;
      m2 += d * (v - mu);
    }
    mean[j] = count > 0 ? mu : 0;
    const s = count > 1 ? Math.sqrt(m2 / (count - 1)) : 0;
    sd[j] = s > 0 ? s : 1;
  }
  return { mean, sd };
}

/** (x − mean) / sd per column; a missing value becomes 0, i.e. mean imputation. */
export function standardize(s: Standardizer, X: readonly (readonly number[])[]): number[][] {
  return X.map((row) => row.map((v, j) => (v !== v ? 0 : (v - s.mean[j]) / s.sd[j])));
}

/**
 * Time-based holdout: rows observed before `cutoff` train, rows at or after it test, so a churn
 * model is judged on a period it has not seen, as it will be used (a random split leaks the
 * future into training when customers' rows are correlated in time).
 * @param times one timestamp per row, any monotone unit (epoch ms, day number).
 * @returns row indices of each side, ascending.
 * @throws Error on a NaN timestamp or when either side would be empty.
 */
export function splitByTime(times: readonly number[], cutoff: number): { train: number[]; test: number[] } {
  const train: number[] = [];
  const test: number[] = [];
  times.forEach((t, i) => {
    if (Number.isNaN(t)) throw new Error(`splitByTime: timestamp at row ${i} is NaN`);
    (t < cutoff ? train : test).push(i);
  });
  if (train.length === 0 || test.length === 0) throw new Error(`splitByTime: cutoff ${cutoff} leaves ${train.length} training and ${test.length} test rows`);
  return { train, test };
}
