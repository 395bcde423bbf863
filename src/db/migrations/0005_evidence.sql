CREATE TABLE "evidence" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"request_id" uuid NOT NULL,
	"owner_id" uuid NOT NULL,
	"upload_id" text NOT NULL,
	"original_name" text NOT NULL,
	"content_type" text,
	"size_bytes" bigint NOT NULL,
	"sha256" text NOT NULL,
	"original_key" text NOT NULL,
	"playable_key" text,
	"probe" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"coverage_warning" text,
	"status" text NOT NULL,
	"failure" text,
	"received_at" timestamp with time zone NOT NULL,
	"processed_at" timestamp with time zone,
	CONSTRAINT "evidence_upload_id_unique" UNIQUE("upload_id")
);
--> statement-breakpoint
ALTER TABLE "evidence" ADD CONSTRAINT "evidence_request_id_footage_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."footage_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evidence" ADD CONSTRAINT "evidence_owner_id_owners_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."owners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "evidence_request" ON "evidence" USING btree ("request_id");