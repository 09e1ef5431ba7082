import mccCodes from "mcc/mcc_codes.json";

/*
 * Reference lists a merchant row is checked against. Sets are built once; lookups that need Intl
 * are cached per distinct value (a merchants file repeats the same few zones and currencies).
 */

let mccSet: Set<string> | null = null;

/**
 * Whether `mcc` is a 4-digit code of the ISO 18245 list (981 codes, from the npm package
 * `mcc`@2.2.0's mcc_codes.json, the same list as shared/data/mcc/mcc_codes.csv).
 */
export function isKnownMcc(mcc: string): boolean {
  mccSet ??= new Set((mccCodes as Array<{ mcc: string }>).map((c) => c.mcc));
  return mccSet.has(mcc);
}

const timeZoneCache = new Map<string, boolean>();
let canonicalZones: Set<string> | null = null;
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+){0,2}$/;

/**
 * Whether `tz` is an IANA time zone: one of `Intl.supportedValuesOf('timeZone')`, "UTC", or an
 * IANA alias ICU resolves (Node 20 lists "Asia/Calcutta" but not "Asia/Kolkata"; both are valid
 * and PostgreSQL knows both). Offsets like "+03:00" are refused: a merchant needs DST rules.
 */
export function isKnownTimeZone(tz: string): boolean {
  const cached = timeZoneCache.get(tz);
  if (cached !== undefined) return cached;
  canonicalZones ??= new Set([...Intl.supportedValuesOf("timeZone"), "UTC"]);
  let known = canonicalZones.has(tz);
  if (!known && ZONE_NAME.test(tz) && tz.includes("/")) {
    try {
      new Intl.DateTimeFormat("en", { timeZone: tz });
      known = true;
    } catch {
      known = false;
    }
  }
  timeZoneCache.set(tz, known);
  return known;
}

let currencySet: Set<string> | null = null;

/** Whether `code` is an ISO 4217 currency of `Intl.supportedValuesOf('currency')`. */
export function isKnownCurrency(code: string): boolean {
  currencySet ??= new Set(Intl.supportedValuesOf("currency"));
  return currencySet.has(code);
}

const countryCache = new Map<string, boolean>();
let regionNames: Intl.DisplayNames | null = null;

/** Whether `code` is an ISO 3166-1 alpha-2 country code ICU can name (GB, US, RU …). */
export function isKnownCountry(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code)) return false;
  const cached = countryCache.get(code);
  if (cached !== undefined) return cached;
  regionNames ??= new Intl.DisplayNames(["en"], { type: "region", fallback: "code" });
  const name = regionNames.of(code);
  const known = name !== undefined && name !== code && name !== "Unknown Region";
  countryCache.set(code, known);
  return known;
}
