-- An incident's ranked cameras as one row (schema.ts, incidentMatchLists): the list in rank order as parallel arrays,
-- written and read whole, instead of a row per camera. The lists stored so far move over in rank order; the old
-- table is dropped by the next migration.
CREATE TABLE "incident_match_lists" (
	"incident_id" uuid PRIMARY KEY NOT NULL,
	"computed_at" timestamp with time zone NOT NULL,
	"camera_ids" uuid[] NOT NULL,
	"distance_m" double precision[] NOT NULL,
	"faces_area" boolean[] NOT NULL,
	"score" double precision[] NOT NULL
);
--> statement-breakpoint
ALTER TABLE "incident_match_lists" ADD CONSTRAINT "incident_match_lists_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
INSERT INTO "incident_match_lists" ("incident_id", "computed_at", "camera_ids", "distance_m", "faces_area", "score")
SELECT "incident_id", max("computed_at"), array_agg("camera_id" ORDER BY "rank"), array_agg("distance_m" ORDER BY "rank"),
       array_agg("faces_area" ORDER BY "rank"), array_agg("score" ORDER BY "rank")
  FROM "incident_matches"
 GROUP BY "incident_id";
