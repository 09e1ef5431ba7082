import { sql, type SQL } from "drizzle-orm";
import { BITMAP_CHUNK_BITS } from "@/db/schema";

/*
 * Sparse bitmap chunks (`bit varying(8192)`, db/schema/types.ts `sparseCustomerBitmapChunk`, ADR
 * 0041): a chunk ends at its last set bit. Both writers of a sparse table (the ingest's delta and
 * the full recompute) trim by the same rule, so their values are equal as text.
 */

const chunkBits = sql.raw(String(BITMAP_CHUNK_BITS));

/**
 * An aggregate expression over a group of bit positions `pos` (integers in [0, 8192)): the
 * sparse chunk with exactly those bits set (bit 0 leftmost), of length max(pos) + 1. Built as ADR
 * 0002's dense chunks are (`bit_or` of `B'1' >> pos`), then cut after the last set bit; no text
 * round trip.
 */
export function sparseBitsOf(pos: SQL): SQL {
  return sql`substring(bit_or((B'1'::bit(${chunkBits})) >> ${pos}) from 1 for max(${pos}) + 1)::bit varying(${chunkBits})`;
}

/**
 * The union of two sparse chunks `a` and `b` (SQL expressions of `bit varying`), still sparse: the
 * union's last set bit is the later of the two, so it is cut at the longer length.
 */
export function sparseUnion(a: SQL, b: SQL): SQL {
  return sql`substring(${a}::bit(${chunkBits}) | ${b}::bit(${chunkBits}) from 1 for greatest(length(${a}), length(${b})))::bit varying(${chunkBits})`;
}
