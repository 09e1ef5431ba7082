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
