/*
 * The worker process's cache of segment members' training rows (issue 17's job time, issue 15's
 * throughput; docs/models/jobs.md, "Pooled reads"). Every merchant of an MCC segment trains on
 * the rows of the same peers (lib/privacy/pooledTraining.ts), so without a cache each member's
 * churn and CLV jobs re-read every peer: O(n²) reads per segment of n merchants, and the e2e
 * preparation went from about 60 s to 598 s. Entries are keyed by the segment's data version (the
 * fingerprint of every member's rollup_version, lib/privacy/pooledTraining.ts
 * segmentFingerprint) and the read's parameters, so a segment is read once per data version and
 * read again as soon as any member's rollups change.
 *
 * Privacy: the rows stay in this process's memory, handed only to poolSegmentRows (which caps and
 * anonymises them before any model sees them); nothing here is written to the database or
 * reaches a page, and the rules of the pool apply to cached rows exactly as to fresh ones.
 */

/** The most rows (summed over the entries) the process cache holds before it drops the least recently used. */
const SEGMENT_CACHE_MAX_ROWS = 4_000_000;

/** Rows of an array of arrays (0 for anything else). */
function nestedLength(value: unknown): number {
  return Array.isArray(value) ? value.reduce((s: number, set: unknown) => s + (Array.isArray(set) ? set.length : 0), 0) : 0;
}

interface Entry {
  group: string;
  rows: number;
  value: Promise<unknown>;
}

/**
 * A least-recently-used cache of per-peer row sets, bounded by the total number of rows (as
 * `size` counts them), with one data version ("fingerprint") per group: when a group's
 * fingerprint changes, every entry of its older version is dropped at once. Concurrent reads of
 * one key share one promise; a read that fails is not kept.
 */
export class SegmentRowCache {
  private readonly entries = new Map<string, Entry>();
  private readonly fingerprints = new Map<string, string>();
  private total = 0;
  /** Reads answered from memory and reads that went to the database (for the bench's output). */
  readonly stats = { hits: 0, misses: 0 };

  /** @param maxRows the bound on the summed rows of the entries (≥ 0; 0 keeps nothing) */
  constructor(private readonly maxRows: number = SEGMENT_CACHE_MAX_ROWS) {
    if (!(Number.isInteger(maxRows) && maxRows >= 0)) throw new Error(`SegmentRowCache: maxRows must be a whole number ≥ 0, got ${maxRows}`);
  }

  /** Rows held now (summed over the settled entries). */
  get rows(): number {
    return this.total;
  }

  /**
   * The rows of `key` in `group` at data version `fingerprint`, from memory, or from `read`
   * (then kept). A fingerprint other than the group's last one drops the group's older entries.
   *
   * @param group       the segment's identity (e.g. "RU|59"); entries of one group share a version
   * @param fingerprint the group's data version (hex); part of the key
   * @param key         the read's parameters (peer id, cutoffs, …)
   * @param read        reads the value (e.g. one array of rows per set)
   * @param size        the rows the value holds; default: the summed lengths of an array of arrays
   * @throws whatever `read` throws (nothing is kept then)
   */
  async get<T>(group: string, fingerprint: string, key: string, read: () => Promise<T>, size: (value: T) => number = nestedLength): Promise<T> {
    if (this.fingerprints.get(group) !== fingerprint) {
      for (const [k, e] of this.entries) if (e.group === group) this.drop(k, e);
      this.fingerprints.set(group, fingerprint);
    }
    const full = `${group}|${fingerprint}|${key}`;
    const hit = this.entries.get(full);
    if (hit) {
      this.stats.hits++;
      // Most recently used last (Map keeps insertion order).
      this.entries.delete(full);
      this.entries.set(full, hit);
      return hit.value as Promise<T>;
    }
    this.stats.misses++;
    const entry: Entry = { group, rows: 0, value: read() };
    this.entries.set(full, entry);
    let value: T;
    try {
      value = (await entry.value) as T;
    } catch (err) {
      if (this.entries.get(full) === entry) this.entries.delete(full);
      throw err;
    }
    if (this.entries.get(full) === entry) {
      entry.rows = size(value);
      this.total += entry.rows;
      this.evict();
    }
    return value;
  }

  /** Forgets everything (tests; a process that wants its memory back). */
  clear(): void {
    this.entries.clear();
    this.fingerprints.clear();
    this.total = 0;
  }

  private drop(key: string, e: Entry): void {
    this.entries.delete(key);
    this.total -= e.rows;
  }

  private evict(): void {
    for (const [k, e] of this.entries) {
      if (this.total <= this.maxRows) return;
      this.drop(k, e);
    }
  }
}

/**
 * The cache of this process: the worker (`npm run worker`, the demo server's in-process worker,
 * `worker.ts --once`) keeps segment rows across jobs, so each segment is read once per data
 * version per process.
 */
export const segmentRowCache = new SegmentRowCache();
