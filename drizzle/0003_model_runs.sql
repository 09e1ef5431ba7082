CREATE TABLE "model_customer_outputs" (
	"run_id" bigint NOT NULL,
	"merchant_id" integer NOT NULL,
	"customer_id" bigint NOT NULL,
	"output" jsonb NOT NULL,
	CONSTRAINT "model_customer_outputs_run_id_customer_id_pk" PRIMARY KEY("run_id","customer_id")
);
--> statement-breakpoint
CREATE TABLE "model_jobs" (
	"merchant_id" integer PRIMARY KEY NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reason" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "model_runs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "model_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"merchant_id" integer NOT NULL,
	"kind" text NOT NULL,
	"version" integer NOT NULL,
	"status" text NOT NULL,
	"period_from" date,
	"period_to" date,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"metrics" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"summary" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"error" text,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "model_runs_kind" CHECK ("model_runs"."kind" in ('clv', 'churn', 'segments')),
	CONSTRAINT "model_runs_status" CHECK ("model_runs"."status" in ('succeeded', 'failed')),
	CONSTRAINT "model_runs_version_positive" CHECK ("model_runs"."version" > 0),
	CONSTRAINT "model_runs_succeeded_complete" CHECK ("model_runs"."status" = 'failed' or ("model_runs"."period_from" is not null and "model_runs"."period_to" is not null and "model_runs"."period_from" < "model_runs"."period_to" and "model_runs"."error" is null)),
	CONSTRAINT "model_runs_failed_has_error" CHECK ("model_runs"."status" = 'succeeded' or "model_runs"."error" is not null)
);
--> statement-breakpoint
ALTER TABLE "model_customer_outputs" ADD CONSTRAINT "model_customer_outputs_run_id_model_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."model_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_customer_outputs" ADD CONSTRAINT "model_customer_outputs_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_jobs" ADD CONSTRAINT "model_jobs_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_runs" ADD CONSTRAINT "model_runs_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "model_runs_merchant_kind_version_key" ON "model_runs" USING btree ("merchant_id","kind","version");