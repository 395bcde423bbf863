-- What the camera index reads of each camera at start, kept packed in one column by the database itself: 80 bytes
-- in PostgreSQL's binary forms, id (16), lat, lng, bearing_deg, fov_deg, range_m (8 each), retention_days (4),
-- owner_id (16, the nil uuid for a city camera) and declined_kinds_mask (4). Reading one such column per camera
-- instead of nine makes the start-up read of a million cameras about twice as fast on the embedded database, which
-- spends its time formatting each field of each row (see verifiedCamerasForIndex). Not declared in schema.ts, so
-- that no query of the application selects it by accident.
ALTER TABLE "cameras" ADD COLUMN "index_fields" bytea GENERATED ALWAYS AS (
  uuid_send("id") || float8send("lat") || float8send("lng") || float8send("bearing_deg") || float8send("fov_deg")
  || float8send("range_m") || int4send("retention_days")
  || coalesce(uuid_send("owner_id"), '\x00000000000000000000000000000000'::bytea) || int4send("declined_kinds_mask")
) STORED;
