-- Staging for lib/ingest: rows are COPYed here (outside the merge transaction), validated rows
-- only, tagged with their ingest batch, then merged into the real tables in one transaction and
-- deleted. UNLOGGED: staging is disposable and must not cost WAL.
CREATE UNLOGGED TABLE IF NOT EXISTS staging_transactions (
  batch_id bigint NOT NULL,
  line integer NOT NULL,
  bank_transaction_id text NOT NULL,
  merchant_id integer NOT NULL,
  bank_customer_id text NOT NULL,
  amount_minor bigint NOT NULL,
  currency char(3) NOT NULL,
  occurred_at timestamptz NOT NULL,
  channel text NOT NULL,
  kind text NOT NULL
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS staging_transactions_batch_idx ON staging_transactions (batch_id);
--> statement-breakpoint
CREATE UNLOGGED TABLE IF NOT EXISTS staging_customers (
  batch_id bigint NOT NULL,
  line integer NOT NULL,
  bank_customer_id text NOT NULL,
  gender text,
  birth_year smallint,
  marital_status text,
  is_payroll boolean,
  is_corporate boolean,
  is_premium boolean,
  region text
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS staging_customers_batch_idx ON staging_customers (batch_id);
