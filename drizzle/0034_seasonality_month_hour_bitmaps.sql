CREATE TABLE "merchant_month_hour_bitmaps" (
	"merchant_id" integer NOT NULL,
	"month" date NOT NULL,
	"dow" smallint NOT NULL,
	"hour" smallint NOT NULL,
	"chunk" integer NOT NULL,
	"bits" bit(8192) NOT NULL,
	CONSTRAINT "merchant_month_hour_bitmaps_merchant_id_month_dow_hour_chunk_pk" PRIMARY KEY("merchant_id","month","dow","hour","chunk")
);
--> statement-breakpoint
-- ADR 0039: the seasonality heatmap's distinct customers per (day of week, hour) over whole months
-- come from these bitmaps; row-level security like the other rollups.
ALTER TABLE merchant_month_hour_bitmaps ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY merchant_month_hour_bitmaps_tenant ON merchant_month_hour_bitmaps FOR SELECT TO app_merchant USING (merchant_id = app_current_merchant_id());
--> statement-breakpoint
GRANT SELECT ON merchant_month_hour_bitmaps TO app_merchant;
--> statement-breakpoint
-- Backfill from the hourly ordinal lists (as lib/rollups builds them); nothing on an empty database.
INSERT INTO merchant_month_hour_bitmaps (merchant_id, month, dow, hour, chunk, bits)
SELECT h.merchant_id, date_trunc('month', h.day::timestamp)::date, extract(isodow from h.day)::smallint, h.hour,
       o.ordinal / 8192, bit_or(B'1'::bit(8192) >> (o.ordinal % 8192))
FROM merchant_hourly h
CROSS JOIN LATERAL unnest(h.customer_ordinals) AS o(ordinal)
GROUP BY 1, 2, 3, 4, 5;
