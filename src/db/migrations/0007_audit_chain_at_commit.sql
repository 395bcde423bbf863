-- The audit trail's hash chain is extended inside the database. The application computes each entry's canonical
-- body (the JSON that is hashed) in two pieces around its sequence number, which only the chain's end decides; here
-- hash = sha256(prev_hash || '\n' || head || seq || tail), exactly what src/audit/audit.hash.ts computes and verifies.
--
-- Audit entries are chained at commit. A transaction writes its entries to audit_pending (with its other rows, in
-- the same statement); a deferred constraint trigger runs audit_chain_pending as the transaction commits, which
-- takes the chain's lock, chains them into audit_log and deletes them. The chain's lock is then held only while
-- the transaction commits, never while the application works or waits: appends from every connection and instance
-- pass through that lock one at a time, so its holding time is what bounds them.
-- No committed row is ever in audit_pending, so it needs no WAL (unlogged) and is never read by anyone else.
CREATE UNLOGGED TABLE "audit_pending" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"entries" jsonb NOT NULL
);
--> statement-breakpoint
-- Chains every entry this transaction has pending, in the order written, and returns the rows it appended.
CREATE OR REPLACE FUNCTION audit_chain_pending() RETURNS SETOF audit_log
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  end_seq bigint;
  end_hash text;
  p record;
  e jsonb;
  r audit_log;
  chained audit_log[] := '{}';
BEGIN
  -- Other transactions' pending rows are never visible (never committed): what is here is this transaction's.
  IF NOT EXISTS (SELECT 1 FROM audit_pending) THEN
    RETURN;
  END IF;
  -- The same lock key as src/audit/audit.repository.ts. A volatile function's next query takes a fresh snapshot,
  -- so the end read below sees every entry committed before the lock was granted.
  PERFORM pg_advisory_xact_lock(7715002);
  SELECT seq, hash INTO end_seq, end_hash FROM audit_log ORDER BY seq DESC LIMIT 1;
  IF NOT FOUND THEN
    end_seq := 0;
    end_hash := repeat('0', 64);
  END IF;
  FOR p IN SELECT entries FROM audit_pending ORDER BY id LOOP
    FOR e IN SELECT value FROM jsonb_array_elements(p.entries) LOOP
      end_seq := end_seq + 1;
      r := jsonb_populate_record(NULL::audit_log, e -> 'row');
      r.seq := end_seq;
      r.prev_hash := end_hash;
      r.hash := encode(sha256(convert_to(end_hash || E'\n' || (e ->> 'head') || end_seq::text || (e ->> 'tail'), 'UTF8')), 'hex');
      end_hash := r.hash;
      chained := chained || r;
    END LOOP;
  END LOOP;
  DELETE FROM audit_pending;
  INSERT INTO audit_log SELECT * FROM unnest(chained);
  RETURN QUERY SELECT * FROM unnest(chained);
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_pending_at_commit() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- The first firing at a commit chains everything pending; later ones find nothing.
  PERFORM * FROM audit_chain_pending();
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER audit_pending_chain_at_commit
  AFTER INSERT ON audit_pending
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION audit_pending_at_commit();
--> statement-breakpoint
-- An append that wants its rows back at once (seq and hash): chains what is pending, then these entries, now.
-- The lock is then held from here to the commit.
CREATE OR REPLACE FUNCTION audit_append(entries jsonb) RETURNS SETOF audit_log
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  INSERT INTO audit_pending (entries) VALUES (audit_append.entries);
  RETURN QUERY SELECT * FROM audit_chain_pending();
END;
$$;
