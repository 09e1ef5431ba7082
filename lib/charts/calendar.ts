/*
 * Calendar-day arithmetic for the builders' gap filling, on 'YYYY-MM-DD' strings through UTC
 * midnights (no DST). Kept here, not imported, because lib/charts depends on nothing of ours.
 */

const MS_PER_DAY = 86_400_000;

export function dayMs(day: string): number {
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
}

export function msDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function plusDays(day: string, n: number): string {
  return msDay(dayMs(day) + n * MS_PER_DAY);
}

export function dayDiff(from: string, to: string): number {
  return Math.round((dayMs(to) - dayMs(from)) / MS_PER_DAY);
}

export type ChartBucket = "day" | "week" | "month";

/** Start of the bucket containing `day`: itself, its ISO week's Monday, or its month's 1st. */
export function bucketOf(bucket: ChartBucket, day: string): string {
  if (bucket === "day") return day;
  if (bucket === "month") return `${day.slice(0, 7)}-01`;
  const weekday = new Date(dayMs(day)).getUTCDay(); // 0 = Sunday
  return plusDays(day, -((weekday + 6) % 7));
}

export function nextBucket(bucket: ChartBucket, start: string): string {
  if (bucket === "day") return plusDays(start, 1);
  if (bucket === "week") return plusDays(start, 7);
  const y = Number(start.slice(0, 4));
  const m = Number(start.slice(5, 7));
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
}

/** Every bucket of [from, to), clipped: the frame the charts fill. */
export function bucketFrame(
  period: { from: string; to: string },
  bucket: ChartBucket,
): Array<{ start: string; from: string; to: string }> {
  const frame: Array<{ start: string; from: string; to: string }> = [];
  for (let start = bucketOf(bucket, period.from); start < period.to; start = nextBucket(bucket, start)) {
    const end = nextBucket(bucket, start);
    frame.push({ start, from: start < period.from ? period.from : start, to: end > period.to ? period.to : end });
  }
  return frame;
}
