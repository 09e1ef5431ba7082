import { customType } from "drizzle-orm/pg-core";

/** Number of customer ordinals one bitmap chunk holds (bits per `bit(N)` value). */
export const BITMAP_CHUNK_BITS = 8192;

/**
 * `bit(8192)`: an exact set of up to 8192 merchant-customer ordinals, bit k (from the left)
 * standing for ordinal `chunk * 8192 + k`. Values never travel through JS; SQL builds them with
 * `B'1'::bit(8192) >> k`, unions them with `bit_or` and counts them with `bit_count`.
 */
export const customerBitmapChunk = customType<{ data: string; driverData: string }>({
  dataType() {
    return `bit(${BITMAP_CHUNK_BITS})`;
  },
});

/**
 * `bit varying(8192)`: the same set as {@link customerBitmapChunk}, stored without the zeros after
 * its last set bit, so a chunk holding a few low ordinals takes a few bytes instead of 1 KiB
 * (ADR 0041). Canonical form: the length is the last set position + 1 (never trailing zeros, never
 * empty), whichever path wrote it, so two writers' values compare equal as text. Readers pad it
 * back with `bits::bit(8192)` (an explicit cast pads with zeros on the right) before `bit_or`,
 * `&` or `get_bit`; writers trim by lib/rollups/sparse.ts.
 */
export const sparseCustomerBitmapChunk = customType<{ data: string; driverData: string }>({
  dataType() {
    return `bit varying(${BITMAP_CHUNK_BITS})`;
  },
});
