CREATE TABLE "customers" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "customers_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"bank_customer_id" text NOT NULL,
	"gender" text,
	"birth_year" smallint,
	"marital_status" text,
	"is_payroll" boolean,
	"is_corporate" boolean,
	"is_premium" boolean,
	"region" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customers_bank_customer_id_unique" UNIQUE("bank_customer_id")
);
--> statement-breakpoint
CREATE TABLE "ingest_batches" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "ingest_batches_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"format" text NOT NULL,
	"file_name" text NOT NULL,
	"file_sha256" text NOT NULL,
	"rows_read" bigint DEFAULT 0 NOT NULL,
	"rows_inserted" bigint DEFAULT 0 NOT NULL,
	"rows_dropped" bigint DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "merchant_bank_ids" (
	"bank_merchant_id" text PRIMARY KEY NOT NULL,
	"merchant_id" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "merchants" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "merchants_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"mcc" varchar(4) NOT NULL,
	"city" text,
	"region" text,
	"country" char(2) DEFAULT 'RU' NOT NULL,
	"time_zone" text NOT NULL,
	"currency" char(3) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "merchants_slug_unique" UNIQUE("slug"),
	CONSTRAINT "merchants_mcc_format" CHECK ("merchants"."mcc" ~ '^[0-9]{4}$'),
	CONSTRAINT "merchants_slug_format" CHECK ("merchants"."slug" ~ '^[a-z0-9][a-z0-9-]{0,62}$')
);
--> statement-breakpoint
CREATE TABLE "transactions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "transactions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"bank_transaction_id" text NOT NULL,
	"merchant_id" integer NOT NULL,
	"customer_id" bigint NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" char(3) NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"local_date" date NOT NULL,
	"local_hour" integer NOT NULL,
	"channel" text NOT NULL,
	"kind" text NOT NULL,
	"ingest_batch_id" bigint,
	CONSTRAINT "transactions_kind_sign" CHECK (("transactions"."kind" = 'purchase' and "transactions"."amount_minor" > 0) or ("transactions"."kind" = 'refund' and "transactions"."amount_minor" < 0)),
	CONSTRAINT "transactions_channel" CHECK ("transactions"."channel" in ('online', 'offline')),
	CONSTRAINT "transactions_local_hour" CHECK ("transactions"."local_hour" between 0 and 23)
);
--> statement-breakpoint
CREATE TABLE "merchant_customer_daily" (
	"merchant_id" integer NOT NULL,
	"day" date NOT NULL,
	"customer_id" bigint NOT NULL,
	"purchases" integer NOT NULL,
	"gross_sales_minor" bigint NOT NULL,
	"refunds" integer NOT NULL,
	"refunds_minor" bigint NOT NULL,
	CONSTRAINT "merchant_customer_daily_merchant_id_day_customer_id_pk" PRIMARY KEY("merchant_id","day","customer_id")
);
--> statement-breakpoint
CREATE TABLE "merchant_customers" (
	"merchant_id" integer NOT NULL,
	"customer_id" bigint NOT NULL,
	"ordinal" integer NOT NULL,
	"first_purchase_day" date,
	"last_purchase_day" date,
	"purchases" integer NOT NULL,
	"gross_sales_minor" bigint NOT NULL,
	"refunds_minor" bigint NOT NULL,
	"gender" text,
	"birth_year" smallint,
	"marital_status" text,
	"is_payroll" boolean,
	"is_corporate" boolean,
	"is_premium" boolean,
	"region" text,
	CONSTRAINT "merchant_customers_merchant_id_customer_id_pk" PRIMARY KEY("merchant_id","customer_id")
);
--> statement-breakpoint
CREATE TABLE "merchant_daily" (
	"merchant_id" integer NOT NULL,
	"day" date NOT NULL,
	"gross_sales_minor" bigint NOT NULL,
	"refunds_minor" bigint NOT NULL,
	"purchases" integer NOT NULL,
	"refunds" integer NOT NULL,
	"customers" integer NOT NULL,
	CONSTRAINT "merchant_daily_merchant_id_day_pk" PRIMARY KEY("merchant_id","day")
);
--> statement-breakpoint
CREATE TABLE "merchant_day_customer_bitmaps" (
	"merchant_id" integer NOT NULL,
	"day" date NOT NULL,
	"chunk" integer NOT NULL,
	"bits" bit(8192) NOT NULL,
	CONSTRAINT "merchant_day_customer_bitmaps_merchant_id_day_chunk_pk" PRIMARY KEY("merchant_id","day","chunk")
);
--> statement-breakpoint
CREATE TABLE "merchant_hourly" (
	"merchant_id" integer NOT NULL,
	"day" date NOT NULL,
	"hour" smallint NOT NULL,
	"gross_sales_minor" bigint NOT NULL,
	"purchases" integer NOT NULL,
	"customer_ordinals" integer[] NOT NULL,
	CONSTRAINT "merchant_hourly_merchant_id_day_hour_pk" PRIMARY KEY("merchant_id","day","hour")
);
--> statement-breakpoint
CREATE TABLE "accounts" (
	"user_id" text NOT NULL,
	"type" text NOT NULL,
	"provider" text NOT NULL,
	"provider_account_id" text NOT NULL,
	"refresh_token" text,
	"access_token" text,
	"expires_at" integer,
	"token_type" text,
	"scope" text,
	"id_token" text,
	"session_state" text,
	CONSTRAINT "accounts_provider_provider_account_id_pk" PRIMARY KEY("provider","provider_account_id")
);
--> statement-breakpoint
CREATE TABLE "memberships" (
	"user_id" text NOT NULL,
	"merchant_id" integer NOT NULL,
	"role" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "memberships_user_id_merchant_id_pk" PRIMARY KEY("user_id","merchant_id"),
	CONSTRAINT "memberships_role" CHECK ("memberships"."role" in ('relationship_manager', 'merchant_owner', 'merchant_viewer'))
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"session_token" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"expires" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text,
	"email" text NOT NULL,
	"email_verified" timestamp with time zone,
	"image" text,
	"password_hash" text,
	"bank_role" text,
	"locale" text DEFAULT 'en' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_email_unique" UNIQUE("email")
);
--> statement-breakpoint
CREATE TABLE "verification_tokens" (
	"identifier" text NOT NULL,
	"token" text NOT NULL,
	"expires" timestamp with time zone NOT NULL,
	CONSTRAINT "verification_tokens_identifier_token_pk" PRIMARY KEY("identifier","token")
);
--> statement-breakpoint
ALTER TABLE "merchant_bank_ids" ADD CONSTRAINT "merchant_bank_ids_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transactions" ADD CONSTRAINT "transactions_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transactions" ADD CONSTRAINT "transactions_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transactions" ADD CONSTRAINT "transactions_ingest_batch_id_ingest_batches_id_fk" FOREIGN KEY ("ingest_batch_id") REFERENCES "public"."ingest_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "merchant_customer_daily" ADD CONSTRAINT "merchant_customer_daily_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "merchant_customers" ADD CONSTRAINT "merchant_customers_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "merchant_daily" ADD CONSTRAINT "merchant_daily_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "merchant_day_customer_bitmaps" ADD CONSTRAINT "merchant_day_customer_bitmaps_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "merchant_hourly" ADD CONSTRAINT "merchant_hourly_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ingest_batches_sha_idx" ON "ingest_batches" USING btree ("file_sha256");--> statement-breakpoint
CREATE INDEX "merchants_mcc_region_idx" ON "merchants" USING btree ("mcc","region");--> statement-breakpoint
CREATE UNIQUE INDEX "transactions_bank_transaction_id_key" ON "transactions" USING btree ("bank_transaction_id");--> statement-breakpoint
CREATE INDEX "transactions_merchant_date_idx" ON "transactions" USING btree ("merchant_id","local_date");--> statement-breakpoint
CREATE INDEX "merchant_customer_daily_customer_idx" ON "merchant_customer_daily" USING btree ("merchant_id","customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "merchant_customers_ordinal_key" ON "merchant_customers" USING btree ("merchant_id","ordinal");--> statement-breakpoint
CREATE INDEX "merchant_customers_first_purchase_idx" ON "merchant_customers" USING btree ("merchant_id","first_purchase_day");--> statement-breakpoint
CREATE INDEX "memberships_merchant_idx" ON "memberships" USING btree ("merchant_id");