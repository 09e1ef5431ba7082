ALTER TABLE "model_jobs" ADD COLUMN "kinds" text[];--> statement-breakpoint
ALTER TABLE "model_runs" ADD COLUMN "format" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "model_runs" ADD CONSTRAINT "model_runs_format_positive" CHECK ("model_runs"."format" > 0);