import fs from "node:fs";
import { once } from "node:events";
import zlib from "node:zlib";
import { stream } from "@/lib/models/prng";
import { normal } from "@/lib/models/samplers";

/*
 * A synthetic randomized campaign with planted segment-level uplift (docs/campaigns.md,
 * "Validation"), in the canonical campaign CSV. Separate from the synthetic bank (lib/synthetic/
 * bank.ts) and its own seed and streams: generating a campaign changes nothing the bank generates.
 *
 * Model: customer i gets a segment s with probability `share[s]`, treatment with probability
 * `treatmentShare` (else control, shared), and converts with probability
 * base[s] + treated · uplift[s], independently. Two pre-campaign features: `segment` (the
 * planted one) and `tenure_months` (noise: uniform 1..60, unrelated to the outcome), and
 * `score` (a noisy reading of the segment's uplift, N(uplift·10, 1)), so a model has a
 * continuous feature to find the heterogeneity with.
 */

interface PlantedSegment {
  name: string;
  share: number;
  /** Control conversion probability. */
  base: number;
  /** Absolute uplift of the action (probability points; may be negative). */
  uplift: number;
}

export interface SyntheticCampaignConfig {
  seed: number;
  customers: number;
  treatmentShare: number;
  action: string;
  sentAt: string;
  segments: PlantedSegment[];
  /** Identifier prefix (customer_id = prefix + ordinal). */
  idPrefix: string;
}

/** The default planted campaign: persuadables, a weak segment, and a do-not-disturb segment. */
export const DEFAULT_CAMPAIGN: SyntheticCampaignConfig = {
  seed: 7003,
  customers: 30_000,
  treatmentShare: 0.5,
  action: "Spring coupon",
  sentAt: "2024-03-01",
  idPrefix: "S",
  segments: [
    { name: "young-urban", share: 0.4, base: 0.1, uplift: 0.08 },
    { name: "families", share: 0.35, base: 0.2, uplift: 0.02 },
    { name: "loyal-seniors", share: 0.25, base: 0.3, uplift: -0.04 },
  ],
};

const STREAM_CAMPAIGN = 0x63616d70;

/** The rows of the planted campaign, one CSV line each (header first), generated lazily. */
export function* campaignLines(config: SyntheticCampaignConfig = DEFAULT_CAMPAIGN): Generator<string> {
  const total = config.segments.reduce((s, g) => s + g.share, 0);
  if (Math.abs(total - 1) > 1e-9) throw new Error(`synthetic campaign: segment shares sum to ${total}, not 1`);
  yield "customer_id,group,action,sent_at,conversion,segment,tenure_months,score\n";
  for (let i = 0; i < config.customers; i++) {
    const rng = stream(config.seed, STREAM_CAMPAIGN, i);
    let u = rng.next();
    let s = 0;
    while (s < config.segments.length - 1 && u >= config.segments[s].share) u -= config.segments[s++].share;
    const seg = config.segments[s];
    const treated = rng.next() < config.treatmentShare;
    const converted = rng.next() < seg.base + (treated ? seg.uplift : 0) ? 1 : 0;
    const tenure = 1 + rng.int(60);
    const score = (seg.uplift * 10 + normal(rng)).toFixed(3);
    yield `${config.idPrefix}${i + 1},${treated ? "treatment" : "control"},${treated ? config.action : ""},${config.sentAt},${converted},${seg.name},${tenure},${score}\n`;
  }
}

/**
 * Writes the planted campaign to `file` (gzip when it ends in .gz), streaming.
 * @returns the number of data rows written
 */
export async function writeSyntheticCampaign(file: string, config: SyntheticCampaignConfig = DEFAULT_CAMPAIGN): Promise<number> {
  const out = fs.createWriteStream(file);
  const gz = file.endsWith(".gz") ? zlib.createGzip({ level: 1 }) : null;
  const sink = gz ?? out;
  if (gz) gz.pipe(out);
  let buffer = "";
  for (const line of campaignLines(config)) {
    buffer += line;
    if (buffer.length > 1 << 16) {
      if (!sink.write(buffer)) await once(sink, "drain");
      buffer = "";
    }
  }
  sink.end(buffer);
  await once(out, "finish");
  return config.customers;
}
