-- Appending to the audit trail's hash chain happens inside the database, in one statement: take the chain's lock,
-- read its end, chain the new entries and insert them. The application computes each entry's canonical body (the
-- JSON that is hashed) in two pieces around its sequence number, which only the chain's end decides; here
-- hash = sha256(prev_hash || '\n' || head || seq || tail), exactly what src/audit/audit.hash.ts computes and
-- verifies. Holding the lock takes no round trip to the application: only this statement and the commit.
-- `entries`: a JSON array of {"row": {column: value, ...}, "head": text, "tail": text}, in chain order.
CREATE OR REPLACE FUNCTION audit_append(entries jsonb) RETURNS SETOF audit_log
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  end_seq bigint;
  end_hash text;
  e jsonb;
  r audit_log;
  chained audit_log[] := '{}';
BEGIN
  -- The same lock key as src/audit/audit.repository.ts. A volatile function's next query takes a fresh snapshot,
  -- so the end read below sees every entry committed before the lock was granted.
  PERFORM pg_advisory_xact_lock(7715002);
  SELECT seq, hash INTO end_seq, end_hash FROM audit_log ORDER BY seq DESC LIMIT 1;
  IF NOT FOUND THEN
    end_seq := 0;
    end_hash := repeat('0', 64);
  END IF;
  FOR e IN SELECT value FROM jsonb_array_elements(entries) LOOP
    end_seq := end_seq + 1;
    r := jsonb_populate_record(NULL::audit_log, e -> 'row');
    r.seq := end_seq;
    r.prev_hash := end_hash;
    r.hash := encode(sha256(convert_to(end_hash || E'\n' || (e ->> 'head') || end_seq::text || (e ->> 'tail'), 'UTF8')), 'hex');
    end_hash := r.hash;
    chained := chained || r;
  END LOOP;
  INSERT INTO audit_log SELECT * FROM unnest(chained);
  RETURN QUERY SELECT * FROM unnest(chained);
END;
$$;
