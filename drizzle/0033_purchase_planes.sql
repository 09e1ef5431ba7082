-- ADR 0038: the month planes gain side 2, each customer's purchases of the month (a count), so
-- that purchase frequency reads planes of whole months instead of every customer-day of the
-- period. Backfill for a database loaded before this migration, built as lib/rollups/planes.ts
-- builds them (a database with no rows inserts nothing).
INSERT INTO merchant_month_amount_planes (merchant_id, month, side, plane, chunk, bits)
SELECT t.merchant_id, t.month, 2, j.plane, t.ordinal / 8192, bit_or(B'1'::bit(8192) >> (t.ordinal % 8192))
FROM (
  SELECT d.merchant_id, date_trunc('month', d.day::timestamp)::date AS month, mc.ordinal,
         sum(d.purchases)::bigint AS purchases
  FROM merchant_customer_daily d
  JOIN merchant_customers mc ON mc.merchant_id = d.merchant_id AND mc.customer_id = d.customer_id
  GROUP BY 1, 2, 3
) t
CROSS JOIN LATERAL generate_series(0, 62) AS j(plane)
WHERE (t.purchases >> j.plane) & 1 = 1
GROUP BY 1, 2, 3, 4, 5
ON CONFLICT (merchant_id, month, side, plane, chunk) DO UPDATE SET bits = merchant_month_amount_planes.bits | excluded.bits;
