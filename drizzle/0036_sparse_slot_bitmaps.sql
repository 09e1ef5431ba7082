-- ADR 0041: the seasonality slot bitmaps are stored without the zeros after their last set bit
-- (a month's slot holds a few customers; a dense chunk took 1 KiB a row). Rows without a set bit
-- carry no customer and are dropped; the others are cut after their last set bit, the form both
-- writers (lib/rollups/sparse.ts) produce.
DELETE FROM "merchant_month_hour_bitmaps" WHERE bit_count("bits") = 0;
--> statement-breakpoint
ALTER TABLE "merchant_month_hour_bitmaps" ALTER COLUMN "bits" SET DATA TYPE bit varying(8192)
  USING substring("bits" FROM 1 FOR length(rtrim("bits"::text, '0')))::bit varying(8192);
