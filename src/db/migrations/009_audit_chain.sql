-- Tamper-evident audit trail (issue 22 item 8; GB/T 39972-2021: 全过程自动强制留痕). The
-- append-only triggers of migration 002 stop the application, but the table's owner can disable
-- them (or set session_replication_role = replica) and rewrite history without a trace. Each row
-- now carries a hash chain: `hash` = SHA-256 over the previous row's hash and this row's content,
-- so an edited, inserted or deleted row breaks every link after it (`onemap audit verify`).
--
-- Rows are chained in id order; the insert trigger takes a transaction-scoped advisory lock and
-- only then draws the id, so ids follow commit order and two writers never fork the chain.
ALTER TABLE audit_log ADD COLUMN prev_hash bytea, ADD COLUMN hash bytea;

CREATE FUNCTION onemap_audit_hash(prev bytea, id bigint, at timestamptz, actor text, action text, entity text,
                                  entity_id text, before jsonb, after jsonb) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
  -- Fields joined by the unit separator; NULL written as a marker no text can equal by accident.
  SELECT sha256(coalesce(prev, '\x'::bytea) || convert_to(concat_ws(chr(31), id::text,
           to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), actor, action, entity,
           coalesce(entity_id, chr(9216)), coalesce(before::text, chr(9216)), coalesce(after::text, chr(9216))), 'UTF8'))
$$;

-- Chain what is already there, in id order (the append-only trigger is paused for this one update).
ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;
DO $$
DECLARE r record; prev bytea := NULL;
BEGIN
  FOR r IN SELECT * FROM audit_log ORDER BY id LOOP
    UPDATE audit_log SET prev_hash = prev,
           hash = onemap_audit_hash(prev, r.id, r.at, r.actor, r.action, r.entity, r.entity_id, r.before, r.after)
     WHERE id = r.id RETURNING hash INTO prev;
  END LOOP;
END $$;
ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;

CREATE FUNCTION onemap_audit_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE prev bytea;
BEGIN
  -- One writer at a time until commit: the next row links to the last committed one.
  PERFORM pg_advisory_xact_lock(7215034011);
  NEW.id := nextval(pg_get_serial_sequence('audit_log', 'id'));
  NEW.at := clock_timestamp();
  SELECT a.hash INTO prev FROM audit_log a ORDER BY a.id DESC LIMIT 1;
  NEW.prev_hash := prev;
  NEW.hash := onemap_audit_hash(prev, NEW.id, NEW.at, NEW.actor, NEW.action, NEW.entity, NEW.entity_id, NEW.before, NEW.after);
  RETURN NEW;
END $$;
-- The id is drawn by the trigger only (no default), so no number is spent twice.
ALTER TABLE audit_log ALTER COLUMN id DROP DEFAULT;
CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION onemap_audit_chain();
