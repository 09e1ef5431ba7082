/*
 * Where long background work lets requests through. On the embedded PGlite the worker shares
 * the web server's event loop and its one database connection (docs/adr/0017-job-queue.md); the
 * server's instrumentation sets a gate that waits until no request has arrived for a moment,
 * and jobs call {@link yieldToRequests} between their pieces (model families, merchants). The
 * default only lets pending callbacks run (setImmediate).
 */

let gate: () => Promise<void> = () => new Promise((resolve) => setImmediate(resolve));

/** Replaces the gate (the in-server worker: wait while the server is busy with requests). */
export function setYieldGate(fn: () => Promise<void>): void {
  gate = fn;
}

/** Awaited between pieces of a long job: returns when requests have had their turn. */
export function yieldToRequests(): Promise<void> {
  return gate();
}
