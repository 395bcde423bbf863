CREATE TABLE "footage_request_items" (
	"request_id" uuid NOT NULL,
	"incident_id" uuid NOT NULL,
	"camera_id" uuid NOT NULL,
	CONSTRAINT "footage_request_items_request_id_incident_id_camera_id_pk" PRIMARY KEY("request_id","incident_id","camera_id")
);
--> statement-breakpoint
CREATE TABLE "footage_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid NOT NULL,
	"status" text NOT NULL,
	"purpose_code" text NOT NULL,
	"reason" text NOT NULL,
	"window_from" timestamp with time zone NOT NULL,
	"window_to" timestamp with time zone NOT NULL,
	"requested_by_type" text NOT NULL,
	"requested_by_id" text,
	"requested_by_name" text NOT NULL,
	"agency_id" uuid,
	"send_after" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL,
	"reminder_sent_at" timestamp with time zone,
	"answered_at" timestamp with time zone,
	"decline_reason" text,
	"cancelled_at" timestamp with time zone,
	"cancel_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "footage_request_items" ADD CONSTRAINT "footage_request_items_request_id_footage_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."footage_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "footage_request_items" ADD CONSTRAINT "footage_request_items_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "footage_request_items" ADD CONSTRAINT "footage_request_items_camera_id_cameras_id_fk" FOREIGN KEY ("camera_id") REFERENCES "public"."cameras"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "footage_requests" ADD CONSTRAINT "footage_requests_owner_id_owners_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."owners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "footage_requests" ADD CONSTRAINT "footage_requests_agency_id_agencies_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agencies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "footage_request_items_incident" ON "footage_request_items" USING btree ("incident_id");--> statement-breakpoint
CREATE INDEX "footage_requests_owner" ON "footage_requests" USING btree ("owner_id","created_at");--> statement-breakpoint
CREATE INDEX "footage_requests_status" ON "footage_requests" USING btree ("status","send_after");