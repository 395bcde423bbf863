-- Its lists are in incident_match_lists (migration 0009).
DROP TABLE "incident_matches" CASCADE;
