import { addDays } from "@/lib/days";
import { ageBandOfBirthYear } from "@/lib/analytics/getCustomerSegments";
import { findingsWindows } from "@/lib/jobs/findings";
import type { CustomerWindowRow, DailyPoint, FindingsInput } from "@/lib/findings/engine";
import { Rng, mixKey } from "@/lib/models/prng";
import { gamma, lognormal, poisson } from "@/lib/models/samplers";

/*
 * A small seeded merchant generator for the findings tests (the synthetic bank's own output is
 * not touched). Customers are regulars: each has a purchase rate λᵢ ~ Gamma(4, mean 8 per
 * 28 days), a weekday profile common to all (Friday/Saturday busy, Sunday quiet) and a
 * lognormal check around a personal mean. With rates this high nearly every customer is active
 * in every 28-day window, so a planted rate change shows as a purchase-frequency change.
 *
 * Plants (from `plantFrom`, inclusive):
 * - frequencyDrop: premium customers' rates × (1 − 0.15);
 * - priceRise: every check × 1.10.
 */

export interface PlantedSpec {
  seed: number;
  customers: number;
  /** Days of history ending the day before `asOf`. */
  days: number;
  asOf: string;
  plant?: "frequencyDrop" | "priceRise";
  plantFrom?: string;
}

export interface PlantedCustomer {
  gender: "female" | "male";
  birthYear: number;
  isPremium: boolean;
}

/** [customer index, amount in minor units, local day]. */
export type PlantedTx = [number, number, string];

const WEEKDAY = [0.6, 0.9, 0.9, 1.0, 1.1, 1.4, 1.1]; // Sunday … Saturday, mean 1.0

export function generatePlanted(spec: PlantedSpec): { customers: PlantedCustomer[]; txs: PlantedTx[] } {
  const rng = new Rng(mixKey(spec.seed, 0x5eed));
  const people: PlantedCustomer[] = [];
  const rates: number[] = [];
  const checks: number[] = [];
  for (let i = 0; i < spec.customers; i++) {
    people.push({ gender: rng.chance(0.55) ? "female" : "male", birthYear: 1950 + rng.int(55), isPremium: rng.chance(0.4) });
    rates.push(gamma(rng, 4, 4 / 8) / 28);
    checks.push(Math.log(1500 + rng.int(3000)));
  }
  const start = addDays(spec.asOf, -spec.days);
  const txs: PlantedTx[] = [];
  for (let t = 0; t < spec.days; t++) {
    const day = addDays(start, t);
    const w = WEEKDAY[new Date(`${day}T00:00:00Z`).getUTCDay()];
    const planted = spec.plant !== undefined && spec.plantFrom !== undefined && day >= spec.plantFrom;
    for (let i = 0; i < spec.customers; i++) {
      const rate = rates[i] * w * (planted && spec.plant === "frequencyDrop" && people[i].isPremium ? 0.85 : 1);
      const n = poisson(rng, rate);
      for (let k = 0; k < n; k++) {
        const amount = Math.round(lognormal(rng, checks[i], 0.35) * (planted && spec.plant === "priceRise" ? 1.1 : 1));
        txs.push([i, Math.max(1, amount), day]);
      }
    }
  }
  return { customers: people, txs };
}

/**
 * The engine's input computed straight from the generated transactions (what the job reads
 * from the rollups), for many-seed runs without a database.
 */
export function plantedInput(spec: PlantedSpec, data: { customers: PlantedCustomer[]; txs: PlantedTx[] }): FindingsInput {
  const w = findingsWindows(spec.asOf);
  const start = addDays(spec.asOf, -spec.days);
  const daily = new Map<string, DailyPoint & { set: Set<number> }>();
  for (let t = 0; t < spec.days; t++) {
    const day = addDays(start, t);
    daily.set(day, { day, grossMinor: 0, netMinor: 0, purchases: 0, customers: 0, set: new Set() });
  }
  const first = new Map<number, string>();
  const per = new Map<string, CustomerWindowRow>();
  for (const [c, amount, day] of data.txs) {
    const d = daily.get(day)!;
    d.grossMinor += amount;
    d.netMinor += amount;
    d.purchases += 1;
    d.set.add(c);
    if (!first.has(c) || day < first.get(c)!) first.set(c, day);
  }
  for (const [c, amount, day] of data.txs) {
    for (const name of ["current", "previous", "yearAgo"] as const) {
      const p = w[name];
      if (day < p.from || day >= p.to) continue;
      const key = `${name}:${c}`;
      let row = per.get(key);
      if (!row) {
        const f = first.get(c)!;
        const person = data.customers[c];
        row = {
          window: name,
          purchases: 0,
          grossMinor: 0,
          refundsMinor: 0,
          segments: {
            customerType: f >= p.from && f < p.to ? "new" : "returning",
            gender: person.gender,
            ageBand: ageBandOfBirthYear(person.birthYear, Number(addDays(p.to, -1).slice(0, 4))),
            maritalStatus: "unknown",
            payroll: "unknown",
            corporate: "unknown",
            premium: person.isPremium ? "yes" : "no",
            region: "unknown",
          },
        };
        per.set(key, row);
      }
      row.purchases += 1;
      row.grossMinor += amount;
    }
  }
  const points = [...daily.values()].map(({ set, ...d }) => ({ ...d, customers: set.size }));
  return {
    asOf: spec.asOf,
    currency: "EUR",
    windows: { current: w.current, previous: w.previous, yearAgo: start <= w.yearAgo.from ? w.yearAgo : null },
    daily: points,
    customers: [...per.values()],
  };
}
