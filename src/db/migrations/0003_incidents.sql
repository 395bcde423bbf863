CREATE TABLE "incident_changes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"incident_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text,
	"changes" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incident_matches" (
	"incident_id" uuid NOT NULL,
	"camera_id" uuid NOT NULL,
	"rank" integer NOT NULL,
	"distance_m" double precision NOT NULL,
	"faces_area" boolean NOT NULL,
	"score" double precision NOT NULL,
	"computed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "incident_matches_incident_id_camera_id_pk" PRIMARY KEY("incident_id","camera_id")
);
--> statement-breakpoint
CREATE TABLE "incidents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"source" text NOT NULL,
	"external_id" text NOT NULL,
	"type" text NOT NULL,
	"priority" integer NOT NULL,
	"occurred_from" timestamp with time zone NOT NULL,
	"occurred_to" timestamp with time zone,
	"reported_at" timestamp with time zone,
	"lat" double precision,
	"lng" double precision,
	"accuracy_m" double precision,
	"address" text,
	"status" text DEFAULT 'open' NOT NULL,
	"agency_id" uuid,
	"district" text,
	"ward" text,
	"psa" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "incidents_priority" CHECK ("incidents"."priority" between 1 and 5),
	CONSTRAINT "incidents_window" CHECK ("incidents"."occurred_to" is null or "incidents"."occurred_to" >= "incidents"."occurred_from")
);
--> statement-breakpoint
ALTER TABLE "incident_changes" ADD CONSTRAINT "incident_changes_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_matches" ADD CONSTRAINT "incident_matches_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_matches" ADD CONSTRAINT "incident_matches_camera_id_cameras_id_fk" FOREIGN KEY ("camera_id") REFERENCES "public"."cameras"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_agency_id_agencies_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agencies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "incident_changes_incident" ON "incident_changes" USING btree ("incident_id");--> statement-breakpoint
CREATE INDEX "incident_matches_camera" ON "incident_matches" USING btree ("camera_id");--> statement-breakpoint
CREATE UNIQUE INDEX "incidents_source_external" ON "incidents" USING btree ("source","external_id");--> statement-breakpoint
CREATE INDEX "incidents_occurred" ON "incidents" USING btree ("occurred_from");--> statement-breakpoint
CREATE INDEX "incidents_status" ON "incidents" USING btree ("status");