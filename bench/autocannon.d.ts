// The few fields of autocannon 8 (no bundled types) that bench/load.ts reads.
declare module "autocannon" {
  interface Result {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number; average: number };
    non2xx: number;
    errors: number;
    timeouts: number;
    duration: number;
  }
  function autocannon(opts: {
    url: string;
    connections: number;
    duration: number;
    headers?: Record<string, string>;
    timeout?: number;
    requests?: Array<{ method: "GET"; path: string }>;
  }): Promise<Result>;
  export default autocannon;
}
