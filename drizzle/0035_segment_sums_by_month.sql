CREATE TABLE "merchant_segment_monthly" (
	"merchant_id" integer NOT NULL,
	"month" date NOT NULL,
	"dimension" text NOT NULL,
	"value" text NOT NULL,
	"purchases" integer NOT NULL,
	"gross_sales_minor" bigint NOT NULL,
	"refunds" integer NOT NULL,
	"refunds_minor" bigint NOT NULL,
	CONSTRAINT "merchant_segment_monthly_merchant_id_month_dimension_value_pk" PRIMARY KEY("merchant_id","month","dimension","value")
);
--> statement-breakpoint
-- ADR 0040: the segment sums move from day to month grain (a period's days outside whole months
-- are read per customer); row-level security like the other rollups.
ALTER TABLE merchant_segment_monthly ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY merchant_segment_monthly_tenant ON merchant_segment_monthly FOR SELECT TO app_merchant USING (merchant_id = app_current_merchant_id());
--> statement-breakpoint
GRANT SELECT ON merchant_segment_monthly TO app_merchant;
--> statement-breakpoint
-- The daily sums folded by month (nothing on an empty database), then the daily table goes.
INSERT INTO merchant_segment_monthly (merchant_id, month, dimension, value, purchases, gross_sales_minor, refunds, refunds_minor)
SELECT merchant_id, date_trunc('month', day::timestamp)::date, dimension, value,
       sum(purchases), sum(gross_sales_minor), sum(refunds), sum(refunds_minor)
FROM merchant_segment_daily
GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
DROP TABLE "merchant_segment_daily" CASCADE;