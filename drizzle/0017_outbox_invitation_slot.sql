ALTER TABLE "email_outbox" ADD COLUMN "invitation_id" text;--> statement-breakpoint
ALTER TABLE "email_outbox" ADD CONSTRAINT "email_outbox_invitation_id_invitations_id_fk" FOREIGN KEY ("invitation_id") REFERENCES "public"."invitations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Issue 14 item 4: invitation e-mails queued before this migration hold their raw token; they
-- can no longer be delivered safely, so the token is removed (the invitation can be re-sent).
UPDATE "email_outbox" SET "text_body" = regexp_replace("text_body", '/invite/[A-Za-z0-9_-]{20,100}', '/invite/[removed]', 'g') WHERE "kind" = 'invitation';
