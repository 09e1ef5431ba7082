/**
 * Next's server start hook: on the Node runtime, the in-server job worker of the embedded
 * database (instrumentation-node.ts; docs/adr/0017-job-queue.md). The Edge runtime never loads
 * that file (it uses node:http).
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startServerWorker } = await import("./instrumentation-node");
    await startServerWorker();
  }
}
