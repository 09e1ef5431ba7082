ALTER TABLE "merchant_accounts" ADD COLUMN "stripe_sub_key" text;--> statement-breakpoint
ALTER TABLE "merchant_accounts" ADD COLUMN "stripe_sub_status" text;--> statement-breakpoint
ALTER TABLE "merchant_accounts" ADD COLUMN "stripe_invoice_key" text;--> statement-breakpoint
ALTER TABLE "merchant_accounts" ADD COLUMN "stripe_invoice_paid" boolean;--> statement-breakpoint
ALTER TABLE "stripe_events" ADD COLUMN "signal" text;