import type { z } from "zod";
import type { MerchantAccess } from "@/lib/auth/access";
import type { Feature } from "@/lib/billing/plans";

/*
 * One definition per merchant view (ARCHITECTURE.md, lib/endpoints; docs/adr/0008). Everything
 * else about a view is derived from this one object: the session route and the token API route
 * (lib/endpoints/route.ts), the react-query key and hook (lib/endpoints/keys.ts,
 * components/hooks/useEndpoint.ts), the page prefetch (lib/endpoints/prefetch.ts), the CSV and
 * XLSX exports (lib/endpoints/export.ts) and the OpenAPI document (lib/endpoints/openapi.ts).
 * The response type is inferred from `load`, never declared twice.
 */

/**
 * How an exported cell is typed:
 * - `text`: written as text, formula-defused (lib/csv defuseFormula) in CSV and XLSX alike;
 * - `integer`, `number`: plain numbers (`digits` decimals for `number`, default 2);
 * - `money`: integer minor units of the merchant's currency, exported as major units with the
 *   currency's minor-unit digits (12345 GBP -> 123.45; JPY 0 digits, KWD 3);
 * - `percent`: a fraction (0.1234 = 12.34 %), exported as the fraction with `digits` decimals
 *   (default 4); XLSX shows it in a percent format;
 * - `date`: a calendar day 'YYYY-MM-DD' (a real date cell in XLSX).
 * `null` is an empty cell (a suppressed or missing figure).
 */
export type ColumnType = "text" | "integer" | "number" | "money" | "percent" | "date";

/** One column of an exported table. */
export interface ExportColumn<R> {
  /** Message key of the header under `api.export.columns` (messages/{en,ru}/api.json); may use {currency}. */
  header: string;
  type: ColumnType;
  /** Decimals of `number` (default 2) and `percent` (default 4) cells. */
  digits?: number;
  value: (row: R) => string | number | null;
}

/** One table of a view's export: a CSV file or one XLSX sheet. */
export interface ExportTable<R = never> {
  /** File and sheet name stem (ASCII, kebab case); its title is `api.export.tables.<id>`. */
  id: string;
  columns: ReadonlyArray<ExportColumn<R>>;
  rows: readonly R[];
}

/** Builds a typed table (the row type is inferred from `rows`, then erased for the registry). */
export function table<R>(id: string, rows: readonly R[], columns: ReadonlyArray<ExportColumn<R>>): ExportTable<unknown> {
  return { id, rows, columns } as unknown as ExportTable<unknown>;
}

/** What `tables` receives besides the data: the language of text cells (headers are translated by the exporter). */
interface ExportContext {
  locale: "en" | "ru";
}

/**
 * A merchant view's endpoint.
 * - `name`: the URL segment (`/api/m/{slug}/{name}`, `/api/v1/m/{slug}/{name}`) and the key
 *   prefix (`merchant:{name}`); kebab case.
 * - `feature`: the plan feature that gates it (null: every plan, e.g. the data range).
 * - `query`: zod object of the query string (what the page and the API accept; strings in,
 *   coerced by zod); `arrays` names keys that are lists (`?dimensions=a,b`).
 * - `cache`: whether answers may be reused per merchant data version (see the field).
 * - `load(access, query)`: reads the view's data through `access.run` (RLS scope) or lib/privacy;
 *   throws NotFoundError (404) for a missing resource.
 * - `tables(data, ctx)`: the view's tables for CSV/XLSX export; null when there is nothing to
 *   export yet (404, e.g. before the first model run). Absent: the view has no export.
 * - `summary`/`description`: for the OpenAPI document.
 */
export interface EndpointDefinition<N extends string, Q extends z.ZodType<Record<string, unknown>>, D> {
  name: N;
  feature: Feature | null;
  query: Q;
  arrays?: readonly string[];
  /**
   * `"rollups"`: the answer depends on nothing but the merchant's rollups (lib/rollups, whose
   * every write moves merchants.rollup_version) and the query, and is the same for every actor
   * of the merchant, so lib/endpoints/cache.ts may reuse it while the version holds. Absent: the
   * loader runs on every request (stored runs, reports, anything else).
   */
  cache?: "rollups";
  summary: string;
  description: string;
  // Method syntax on purpose: a registry of different definitions is then one `AnyEndpoint` type.
  load(access: MerchantAccess, query: z.output<Q>): Promise<D>;
  tables?(data: D, ctx: ExportContext): ExportTable<unknown>[] | null;
}

/** Any definition (for registries and derivations that do not care about the types). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyEndpoint = EndpointDefinition<string, z.ZodType<any>, any>;

/**
 * Declares a definition with its types inferred (name literal, query schema, loader result).
 * @throws Error when the name is not kebab case (it becomes a URL segment and a key)
 */
export function defineEndpoint<N extends string, Q extends z.ZodType<Record<string, unknown>>, D>(
  def: EndpointDefinition<N, Q, D>,
): Readonly<EndpointDefinition<N, Q, D>> {
  if (!/^[a-z][a-z0-9-]*$/.test(def.name)) throw new Error(`endpoint name must be kebab case: ${def.name}`);
  return Object.freeze(def);
}

/** The JSON a definition answers (and the hook's data): inferred from its loader (what `load` resolves to). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EndpointData<E extends AnyEndpoint> = E extends { load(...args: any[]): Promise<infer D> } ? D : never;
/** The query a caller passes (the schema's input: strings or the loader's own types). */
export type EndpointQuery<E extends AnyEndpoint> = z.input<E["query"]>;
