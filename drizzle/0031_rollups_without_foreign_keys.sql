-- ADR 0031: the rollups keep no foreign key to merchants (checked per row, they cost more than the
-- rows' own writes in a large load); transactions keeps its keys, and every rollup row derives from it.
ALTER TABLE "merchant_cohort_bitmaps" DROP CONSTRAINT "merchant_cohort_bitmaps_merchant_id_merchants_id_fk";
--> statement-breakpoint
ALTER TABLE "merchant_cohort_daily" DROP CONSTRAINT "merchant_cohort_daily_merchant_id_merchants_id_fk";
--> statement-breakpoint
ALTER TABLE "merchant_customer_daily" DROP CONSTRAINT "merchant_customer_daily_merchant_id_merchants_id_fk";
--> statement-breakpoint
ALTER TABLE "merchant_customers" DROP CONSTRAINT "merchant_customers_merchant_id_merchants_id_fk";
--> statement-breakpoint
ALTER TABLE "merchant_daily" DROP CONSTRAINT "merchant_daily_merchant_id_merchants_id_fk";
--> statement-breakpoint
ALTER TABLE "merchant_day_customer_bitmaps" DROP CONSTRAINT "merchant_day_customer_bitmaps_merchant_id_merchants_id_fk";
--> statement-breakpoint
ALTER TABLE "merchant_hourly" DROP CONSTRAINT "merchant_hourly_merchant_id_merchants_id_fk";
--> statement-breakpoint
ALTER TABLE "merchant_month_amount_planes" DROP CONSTRAINT "merchant_month_amount_planes_merchant_id_merchants_id_fk";
--> statement-breakpoint
ALTER TABLE "merchant_segment_bitmaps" DROP CONSTRAINT "merchant_segment_bitmaps_merchant_id_merchants_id_fk";
--> statement-breakpoint
ALTER TABLE "merchant_segment_daily" DROP CONSTRAINT "merchant_segment_daily_merchant_id_merchants_id_fk";
