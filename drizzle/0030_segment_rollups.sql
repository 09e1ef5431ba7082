CREATE TABLE "merchant_month_amount_planes" (
	"merchant_id" integer NOT NULL,
	"month" date NOT NULL,
	"side" smallint NOT NULL,
	"plane" smallint NOT NULL,
	"chunk" integer NOT NULL,
	"bits" bit(8192) NOT NULL,
	CONSTRAINT "merchant_month_amount_planes_merchant_id_month_side_plane_chunk_pk" PRIMARY KEY("merchant_id","month","side","plane","chunk")
);
--> statement-breakpoint
CREATE TABLE "merchant_segment_bitmaps" (
	"merchant_id" integer NOT NULL,
	"dimension" text NOT NULL,
	"value" text NOT NULL,
	"chunk" integer NOT NULL,
	"bits" bit(8192) NOT NULL,
	CONSTRAINT "merchant_segment_bitmaps_merchant_id_dimension_value_chunk_pk" PRIMARY KEY("merchant_id","dimension","value","chunk")
);
--> statement-breakpoint
CREATE TABLE "merchant_segment_daily" (
	"merchant_id" integer NOT NULL,
	"day" date NOT NULL,
	"dimension" text NOT NULL,
	"value" text NOT NULL,
	"purchases" integer NOT NULL,
	"gross_sales_minor" bigint NOT NULL,
	"refunds" integer NOT NULL,
	"refunds_minor" bigint NOT NULL,
	CONSTRAINT "merchant_segment_daily_merchant_id_day_dimension_value_pk" PRIMARY KEY("merchant_id","day","dimension","value")
);
--> statement-breakpoint
ALTER TABLE "merchant_month_amount_planes" ADD CONSTRAINT "merchant_month_amount_planes_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "merchant_segment_bitmaps" ADD CONSTRAINT "merchant_segment_bitmaps_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "merchant_segment_daily" ADD CONSTRAINT "merchant_segment_daily_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE merchant_segment_daily ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY merchant_segment_daily_tenant ON merchant_segment_daily FOR SELECT TO app_merchant USING (merchant_id = app_current_merchant_id());
--> statement-breakpoint
GRANT SELECT ON merchant_segment_daily TO app_merchant;
--> statement-breakpoint
ALTER TABLE merchant_segment_bitmaps ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY merchant_segment_bitmaps_tenant ON merchant_segment_bitmaps FOR SELECT TO app_merchant USING (merchant_id = app_current_merchant_id());
--> statement-breakpoint
GRANT SELECT ON merchant_segment_bitmaps TO app_merchant;
--> statement-breakpoint
-- Backfill of a database loaded before this migration (the same values as lib/rollups/segments.ts;
-- an empty database inserts nothing).
INSERT INTO merchant_segment_daily (merchant_id, day, dimension, value, purchases, gross_sales_minor, refunds, refunds_minor)
SELECT d.merchant_id, d.day, sv.dimension, sv.value, sum(d.purchases), sum(d.gross_sales_minor), sum(d.refunds), sum(d.refunds_minor)
FROM merchant_customer_daily d
JOIN merchant_customers mc ON mc.merchant_id = d.merchant_id AND mc.customer_id = d.customer_id
CROSS JOIN LATERAL (VALUES
  ('gender', coalesce(mc.gender, 'unknown')),
  ('birthYear', coalesce(mc.birth_year::text, 'unknown')),
  ('maritalStatus', coalesce(mc.marital_status, 'unknown')),
  ('payroll', CASE WHEN mc.is_payroll THEN 'yes' WHEN NOT mc.is_payroll THEN 'no' ELSE 'unknown' END),
  ('corporate', CASE WHEN mc.is_corporate THEN 'yes' WHEN NOT mc.is_corporate THEN 'no' ELSE 'unknown' END),
  ('premium', CASE WHEN mc.is_premium THEN 'yes' WHEN NOT mc.is_premium THEN 'no' ELSE 'unknown' END),
  ('region', coalesce(mc.region, 'unknown'))
) AS sv(dimension, value)
GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
INSERT INTO merchant_segment_bitmaps (merchant_id, dimension, value, chunk, bits)
SELECT mc.merchant_id, sv.dimension, sv.value, mc.ordinal / 8192, bit_or(B'1'::bit(8192) >> (mc.ordinal % 8192))
FROM merchant_customers mc
CROSS JOIN LATERAL (VALUES
  ('gender', coalesce(mc.gender, 'unknown')),
  ('birthYear', coalesce(mc.birth_year::text, 'unknown')),
  ('maritalStatus', coalesce(mc.marital_status, 'unknown')),
  ('payroll', CASE WHEN mc.is_payroll THEN 'yes' WHEN NOT mc.is_payroll THEN 'no' ELSE 'unknown' END),
  ('corporate', CASE WHEN mc.is_corporate THEN 'yes' WHEN NOT mc.is_corporate THEN 'no' ELSE 'unknown' END),
  ('premium', CASE WHEN mc.is_premium THEN 'yes' WHEN NOT mc.is_premium THEN 'no' ELSE 'unknown' END),
  ('region', coalesce(mc.region, 'unknown'))
) AS sv(dimension, value)
GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
ALTER TABLE merchant_month_amount_planes ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY merchant_month_amount_planes_tenant ON merchant_month_amount_planes FOR SELECT TO app_merchant USING (merchant_id = app_current_merchant_id());
--> statement-breakpoint
GRANT SELECT ON merchant_month_amount_planes TO app_merchant;
--> statement-breakpoint
-- Backfill of the month amount planes (as lib/rollups/planes.ts builds them).
INSERT INTO merchant_month_amount_planes (merchant_id, month, side, plane, chunk, bits)
SELECT t.merchant_id, t.month, s.side, j.plane, t.ordinal / 8192, bit_or(B'1'::bit(8192) >> (t.ordinal % 8192))
FROM (
  SELECT d.merchant_id, date_trunc('month', d.day::timestamp)::date AS month, mc.ordinal,
         sum(d.gross_sales_minor)::bigint AS gross, sum(d.refunds_minor)::bigint AS refunds
  FROM merchant_customer_daily d
  JOIN merchant_customers mc ON mc.merchant_id = d.merchant_id AND mc.customer_id = d.customer_id
  GROUP BY 1, 2, 3
) t
CROSS JOIN LATERAL (VALUES (0, t.gross), (1, t.refunds)) AS s(side, amount)
CROSS JOIN LATERAL generate_series(0, 62) AS j(plane)
WHERE (s.amount >> j.plane) & 1 = 1
GROUP BY 1, 2, 3, 4, 5;
