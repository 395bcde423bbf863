CREATE TABLE "cameras" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid,
	"agency_id" uuid,
	"label" text,
	"lat" double precision NOT NULL,
	"lng" double precision NOT NULL,
	"address" text,
	"kind" text NOT NULL,
	"bearing_deg" double precision NOT NULL,
	"fov_deg" double precision NOT NULL,
	"range_m" double precision NOT NULL,
	"indoor" boolean DEFAULT false NOT NULL,
	"retention_days" integer NOT NULL,
	"tier" text NOT NULL,
	"status" text NOT NULL,
	"review_note" text,
	"changes_requested" boolean DEFAULT false NOT NULL,
	"stream_url_enc" text,
	"stream_credentials_enc" text,
	"source" text NOT NULL,
	"external_ref" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"verified_at" timestamp with time zone,
	"verified_by" uuid,
	CONSTRAINT "cameras_one_holder" CHECK (("cameras"."owner_id" is null) <> ("cameras"."agency_id" is null)),
	CONSTRAINT "cameras_bearing" CHECK ("cameras"."bearing_deg" >= 0 and "cameras"."bearing_deg" < 360),
	CONSTRAINT "cameras_fov" CHECK ("cameras"."fov_deg" >= 1 and "cameras"."fov_deg" <= 360),
	CONSTRAINT "cameras_range" CHECK ("cameras"."range_m" > 0 and "cameras"."range_m" <= 2000),
	CONSTRAINT "cameras_retention" CHECK ("cameras"."retention_days" >= 0 and "cameras"."retention_days" <= 3650),
	CONSTRAINT "cameras_lat" CHECK ("cameras"."lat" between -90 and 90),
	CONSTRAINT "cameras_lng" CHECK ("cameras"."lng" between -180 and 180)
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"idempotency_key" text NOT NULL,
	"channel" text NOT NULL,
	"recipient" text NOT NULL,
	"template" text NOT NULL,
	"language" text DEFAULT 'en' NOT NULL,
	"data" jsonb NOT NULL,
	"owner_id" uuid,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone,
	"last_error" text,
	"provider_message_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "outbox_idempotency_key_unique" UNIQUE("idempotency_key")
);
--> statement-breakpoint
CREATE TABLE "owner_links" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"token_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "owner_links_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "owner_sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"owner_id" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "owners" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text,
	"email" text,
	"phone" text,
	"kind" text NOT NULL,
	"organization" text,
	"language" text DEFAULT 'en' NOT NULL,
	"time_zone" text DEFAULT 'America/New_York' NOT NULL,
	"contact_by_email" boolean DEFAULT true NOT NULL,
	"contact_by_sms" boolean DEFAULT false NOT NULL,
	"consent_version" text NOT NULL,
	"consent_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"withdrawn_at" timestamp with time zone,
	"erased_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "registration_fingerprints" (
	"fingerprint" text PRIMARY KEY NOT NULL,
	"owner_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "cameras" ADD CONSTRAINT "cameras_owner_id_owners_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."owners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cameras" ADD CONSTRAINT "cameras_agency_id_agencies_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agencies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "owner_links" ADD CONSTRAINT "owner_links_owner_id_owners_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."owners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "owner_sessions" ADD CONSTRAINT "owner_sessions_owner_id_owners_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."owners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registration_fingerprints" ADD CONSTRAINT "registration_fingerprints_owner_id_owners_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."owners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cameras_owner" ON "cameras" USING btree ("owner_id");--> statement-breakpoint
CREATE INDEX "cameras_status" ON "cameras" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "cameras_external_ref" ON "cameras" USING btree ("external_ref");--> statement-breakpoint
CREATE INDEX "outbox_due" ON "outbox" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "owner_links_owner" ON "owner_links" USING btree ("owner_id");--> statement-breakpoint
CREATE INDEX "owners_email_lower" ON "owners" USING btree (lower("email"));