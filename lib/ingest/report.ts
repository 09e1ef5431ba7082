import type { IngestError, IngestProgress } from "./types";

/** How many errors a report lists; the rest are only counted. */
export const MAX_REPORTED_ERRORS = 100;

/** Collects a file's errors: keeps the first {@link MAX_REPORTED_ERRORS}, counts all. */
export class ErrorLog {
  readonly errors: IngestError[] = [];
  count = 0;

  add(line: number, column: string | null, reason: string): void {
    this.count += 1;
    if (this.errors.length < MAX_REPORTED_ERRORS) this.errors.push({ line, column, reason });
  }

  get empty(): boolean {
    return this.count === 0;
  }
}

/** Counts rows skipped by a documented rule, by reason. */
export class DropCounter {
  readonly counts: Record<string, number> = {};

  add(reason: string, n = 1): void {
    this.counts[reason] = (this.counts[reason] ?? 0) + n;
  }

  get total(): number {
    let sum = 0;
    for (const n of Object.values(this.counts)) sum += n;
    return sum;
  }
}

const PROGRESS_INTERVAL_MS = 250;

/**
 * Throttled progress: `tick()` per data row is cheap (a counter and, every 1024 rows, a clock
 * read); the callback fires at most every 250 ms.
 */
export class Progress {
  rows = 0;
  private readonly started = performance.now();
  private lastEmit = this.started;

  constructor(private readonly onProgress?: (p: IngestProgress) => void) {}

  tick(): void {
    this.rows += 1;
    if (this.onProgress && (this.rows & 1023) === 0) {
      const now = performance.now();
      if (now - this.lastEmit >= PROGRESS_INTERVAL_MS) {
        this.lastEmit = now;
        this.emit("read", now);
      }
    }
  }

  /** Reports the current count now (end of reading, start of the merge). */
  emit(phase: IngestProgress["phase"], now = performance.now()): void {
    if (!this.onProgress) return;
    const seconds = (now - this.started) / 1000;
    this.onProgress({ rows: this.rows, rowsPerSecond: seconds > 0 ? Math.round(this.rows / seconds) : 0, phase });
  }
}
