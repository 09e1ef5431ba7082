import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import * as changepoint from "@bsull/augurs/changepoint";
import * as ets from "@bsull/augurs/ets";
import * as mstl from "@bsull/augurs/mstl";
import * as outlier from "@bsull/augurs/outlier";

/*
 * @bsull/augurs (grafana/augurs, Rust compiled to WebAssembly) in Node: each module ships its own
 * `*_bg.wasm` next to its JS glue and must be instantiated before use. We read the bytes from the
 * package folder and call the synchronous `initSync`, once per module per process. Only jobs and
 * the CLI load this file; pages read stored runs, so Next.js never bundles the WASM.
 */

type Module = { initSync: (m: { module: BufferSource }) => unknown };

let dir: string | null = null;
const ready = new Set<string>();

function packageDir(): string {
  if (dir) return dir;
  const require = createRequire(path.join(process.cwd(), "package.json"));
  dir = path.dirname(require.resolve("@bsull/augurs/mstl"));
  return dir;
}

function init(name: string, mod: Module): void {
  if (ready.has(name)) return;
  mod.initSync({ module: readFileSync(path.join(packageDir(), `${name}_bg.wasm`)) });
  ready.add(name);
}

/** The MSTL module, initialised. */
export function augursMstl(): typeof mstl {
  init("mstl", mstl as unknown as Module);
  return mstl;
}

/** The ETS module, initialised. */
export function augursEts(): typeof ets {
  init("ets", ets as unknown as Module);
  return ets;
}

/** The changepoint module, initialised. */
export function augursChangepoint(): typeof changepoint {
  init("changepoint", changepoint as unknown as Module);
  return changepoint;
}

/** The outlier module, initialised. */
export function augursOutlier(): typeof outlier {
  init("outlier", outlier as unknown as Module);
  return outlier;
}
