import { TIME_ZONE_OFFSETS } from "./calendar";
import {
  CITIES,
  MCCS,
  MERCHANT_ATTRACTIVENESS_SIGMA,
  MERCHANT_LAYOUT,
  MERCHANT_ONLINE_SIGMA,
  PLANTED_MERCHANTS,
  STREAM,
  type MccParams,
} from "./model";
import { stream } from "@/lib/models/prng";
import { lognormal } from "@/lib/models/samplers";

/** A merchant as the merchants CSV carries it (docs/data-format.md). */
export interface SyntheticMerchant {
  /** The bank's merchant id, 'BM000101'. */
  bankMerchantId: string;
  /** 'msk-grocery-1': city code, MCC word, ordinal within city and MCC. */
  slug: string;
  name: string;
  mcc: string;
  city: string;
  region: string;
  country: "RU";
  timeZone: string;
  currency: "RUB";
}

/** A merchant with the latent parameters the generator planted (recorded in truths.json). */
export interface MerchantTruth extends SyntheticMerchant {
  /** Position in the merchant list (0-based). */
  ordinal: number;
  /** Fixed UTC offset of `timeZone`, '+03:00'. */
  utcOffset: string;
  /** Median check for a customer with spend multiplier 1, in kopecks (minor units). */
  medianCheckMinor: number;
  /** Base weight in favourite choice, cross-shopping and switching among peers. */
  attractiveness: number;
  /** Window day the merchant opens (null: open all along). */
  opensDay: number | null;
  /** Attractiveness multiplier ramp 1 -> factor over window days [fromDay, toDay]. */
  trend: { fromDay: number; toDay: number; factor: number } | null;
  /** Multiplier of the MCC's online share at this merchant. */
  onlineFactor: number;
  /** Number of merchants in the same MCC and region, this one included. */
  peerGroupSize: number;
}

/**
 * The bank's merchants: MERCHANT_LAYOUT expanded city by city and MCC by MCC, with price level,
 * attractiveness and online factor drawn from stream (seed, STREAM.merchants, ordinal) and the
 * planted stories of PLANTED_MERCHANTS. `days` is the window length (planted times are
 * fractions of it). Ids are 'BM' + (101 + ordinal), six digits.
 */
export function buildMerchants(seed: number, days: number): MerchantTruth[] {
  const out: MerchantTruth[] = [];
  CITIES.forEach((city, cityIndex) => {
    const layout = MERCHANT_LAYOUT[city.code] ?? {};
    for (const params of MCCS) {
      const count = layout[params.mcc] ?? 0;
      for (let j = 0; j < count; j++) {
        const ordinal = out.length;
        const slug = `${city.code}-${params.slugWord}-${j + 1}`;
        const rng = stream(seed, STREAM.merchants, ordinal);
        const [lo, hi] = params.medianCheckRub;
        const medianRub = Math.exp(Math.log(lo) + rng.next() * (Math.log(hi) - Math.log(lo)));
        const planted = PLANTED_MERCHANTS[slug] ?? {};
        const attractiveness = planted.attractiveness ?? round3(lognormal(rng, 0, MERCHANT_ATTRACTIVENESS_SIGMA));
        const onlineFactor = round3(lognormal(rng, 0, MERCHANT_ONLINE_SIGMA));
        out.push({
          bankMerchantId: `BM${String(101 + ordinal).padStart(6, "0")}`,
          slug,
          name: `${brandOf(params, j, cityIndex)}, ${city.cityName}`,
          mcc: params.mcc,
          city: city.city,
          region: city.region,
          country: "RU",
          timeZone: city.timeZone,
          currency: "RUB",
          ordinal,
          utcOffset: TIME_ZONE_OFFSETS[city.timeZone],
          medianCheckMinor: Math.round(medianRub) * 100,
          attractiveness,
          opensDay: planted.opensAt === undefined ? null : Math.floor(planted.opensAt * days),
          trend: planted.trend
            ? { fromDay: Math.floor(planted.trend.from * days), toDay: Math.floor(planted.trend.to * days), factor: planted.trend.factor }
            : null,
          onlineFactor,
          peerGroupSize: count,
        });
      }
    }
  });
  return out;
}

// Brands rotate by city so neighbouring cities do not all get the same chain names.
function brandOf(params: MccParams, j: number, cityIndex: number): string {
  return params.brands[(j + cityIndex * 2) % params.brands.length];
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * Weight of merchant `m` on window day `day` when a customer picks among peers: 0 before it
 * opens, else attractiveness × the trend ramp.
 */
export function merchantWeight(m: MerchantTruth, day: number): number {
  if (m.opensDay !== null && day < m.opensDay) return 0;
  const trend = m.trend;
  if (!trend || day <= trend.fromDay) return m.attractiveness;
  if (day >= trend.toDay) return m.attractiveness * trend.factor;
  const f = (day - trend.fromDay) / (trend.toDay - trend.fromDay);
  return m.attractiveness * (1 + f * (trend.factor - 1));
}

/** Peer groups: merchants by `${mcc}|${region}`, in merchant order. */
export function peerGroups(merchants: readonly MerchantTruth[]): Map<string, MerchantTruth[]> {
  const groups = new Map<string, MerchantTruth[]>();
  for (const m of merchants) {
    const key = `${m.mcc}|${m.region}`;
    const list = groups.get(key);
    if (list) list.push(m);
    else groups.set(key, [m]);
  }
  return groups;
}
