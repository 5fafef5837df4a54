-- Role separation on PostgreSQL (issue 22 item 8, decision 0009). Run by the migration role
-- (ONEMAP_MIGRATE_URL) after the migrations, every time: idempotent. The transaction has set
-- onemap.app_role (DATABASE_URL's role) and onemap.audit_role (the audit trail's owner).
--  - the audit role (NOLOGIN) owns audit_log, its id sequence and the functions of its triggers;
--  - the application role owns everything else of onemap's in the schema (it creates and attaches
--    a layer's partitions at its first import and ANALYZEs them), and may only SELECT and INSERT
--    on audit_log: no UPDATE, DELETE, TRUNCATE or TRIGGER, and not being the owner it cannot
--    disable the triggers, drop the table or replace the chain function;
--  - the application role must not be able to become either: not a superuser (who may set
--    session_replication_role), no CREATEROLE (who may grant itself the audit role), not a member
--    of the audit role, not the schema's owner (who may drop any table in it).
DO $$
DECLARE
  app   name := current_setting('onemap.app_role');
  audit name := current_setting('onemap.audit_role');
  s     name := current_schema();
  mine  name := current_user;
  r     record;
BEGIN
  IF app = audit OR app = mine THEN
    RAISE EXCEPTION '应用角色 % 不能同时是审计日志的所有者或迁移角色 (DATABASE_URL must name a role other than the audit owner and the migration role)', app;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = app) THEN
    RAISE EXCEPTION '应用角色 % 不存在 (the application role does not exist)', app;
  END IF;
  IF (SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = app) THEN
    RAISE EXCEPTION '应用角色 % 是超级用户或可创建角色，能绕过审计日志的保护：请用普通角色连接 (the application role must not be SUPERUSER or CREATEROLE)', app;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = audit) THEN
    EXECUTE format('CREATE ROLE %I NOLOGIN', audit);
    -- A non-superuser migrator must be a member to hand objects to the new role.
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = mine) THEN
      EXECUTE format('GRANT %I TO %I', audit, mine);
    END IF;
  END IF;
  IF pg_has_role(app, audit, 'MEMBER') THEN
    RAISE EXCEPTION '应用角色 % 是审计角色 % 的成员 (the application role must not be a member of the audit role)', app, audit;
  END IF;
  IF pg_has_role(app, (SELECT nspowner FROM pg_namespace WHERE nspname = s), 'MEMBER') THEN
    RAISE EXCEPTION '应用角色 % 拥有模式 %，能删除其中的审计日志 (the application role must not own the schema)', app, s;
  END IF;
  IF has_parameter_privilege(app, 'session_replication_role', 'SET') THEN
    RAISE EXCEPTION '应用角色 % 可以设置 session_replication_role (the application role may switch triggers off)', app;
  END IF;

  EXECUTE format('GRANT USAGE, CREATE ON SCHEMA %I TO %I, %I', s, app, audit);

  -- The audit trail to its owner (the id sequence follows the table).
  EXECUTE format('ALTER TABLE %I.audit_log OWNER TO %I', s, audit);
  FOR r IN SELECT p.oid::regprocedure AS fn FROM pg_proc p
            WHERE p.pronamespace = s::regnamespace
              AND p.proname IN ('onemap_audit_append_only', 'onemap_audit_chain', 'onemap_audit_hash') LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO %I', r.fn, audit);
    -- Pinned search path: a table the caller creates (a temporary audit_log) cannot stand in.
    EXECUTE format('ALTER FUNCTION %s SET search_path = %I, pg_temp', r.fn, s);
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', r.fn);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', r.fn, app);
  END LOOP;
  -- The chain trigger draws ids from the sequence as its owner: the application gets no sequence right.
  EXECUTE format('ALTER FUNCTION %I.onemap_audit_chain() SECURITY DEFINER', s);
  EXECUTE format('REVOKE ALL ON %I.audit_log FROM PUBLIC, %I', s, app);
  EXECUTE format('GRANT SELECT, INSERT ON %I.audit_log TO %I', s, app);
  EXECUTE format('REVOKE ALL ON SEQUENCE %s FROM PUBLIC, %I', pg_get_serial_sequence(format('%I.audit_log', s), 'id'), app);

  -- Everything else of onemap's to the application, except what PostGIS (an extension) owns,
  -- sequences that belong to a column (they follow their table) and the migrations' record.
  FOR r IN SELECT c.oid::regclass AS rel FROM pg_class c
            WHERE c.relnamespace = s::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
              AND c.relowner <> app::regrole
              AND c.relname NOT IN ('audit_log', 'schema_migrations')
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                 AND (d.deptype = 'e' OR (c.relkind = 'S' AND d.deptype IN ('a', 'i')))) LOOP
    EXECUTE format('ALTER TABLE %s OWNER TO %I', r.rel, app);
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS fn FROM pg_proc p
            WHERE p.pronamespace = s::regnamespace AND p.proowner <> app::regrole
              AND p.proname NOT IN ('onemap_audit_append_only', 'onemap_audit_chain', 'onemap_audit_hash')
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e') LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO %I', r.fn, app);
  END LOOP;
  EXECUTE format('GRANT SELECT ON %I.schema_migrations TO %I', s, app);
END $$
