-- "3+X" machine review, human review and consistency review (domain.md §4), and the append-only
-- audit trail every write goes to (GB/T 39972-2021: 全过程自动强制留痕).

-- Where a layer's data is declared complete. NULL = the whole city. A project outside it gets
-- "no data here" (无数据) for that layer instead of a false "no conflict".
ALTER TABLE layer ADD COLUMN coverage geometry(MultiPolygon, 4490);

-- Append-only: who / when / what / before / after. The trigger refuses UPDATE, DELETE and
-- TRUNCATE for every role, so the log cannot be edited from the application or by hand.
CREATE TABLE audit_log (
  id        bigserial PRIMARY KEY,
  at        timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor     text NOT NULL,
  action    text NOT NULL,
  entity    text NOT NULL,
  entity_id text,
  before    jsonb,
  after     jsonb
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, id);

CREATE FUNCTION onemap_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only (审计日志只能追加，不能修改或删除)';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION onemap_audit_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION onemap_audit_append_only();

-- Rule sets are data: every edit is a new version, old versions stay (runs cite them).
CREATE TABLE review_ruleset (
  name        text NOT NULL,
  version     int NOT NULL,
  definition  jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  created_by  text NOT NULL,
  note        text,
  PRIMARY KEY (name, version)
);

-- A submission (报审项目) and its human review state.
CREATE TABLE review_case (
  id           bigserial PRIMARY KEY,
  title        text NOT NULL,
  applicant    text,
  project_type text NOT NULL,
  indicators   jsonb NOT NULL DEFAULT '{}',
  status       text NOT NULL CHECK (status IN ('machine-reviewed', 'in-review', 'decided', 'signed')),
  run_id       bigint,
  decision     text CHECK (decision IN ('通过', '有条件通过', '不通过')),
  conditions   jsonb NOT NULL DEFAULT '[]',
  opinion      text,
  signed_by    text,
  signed_at    timestamptz,
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- One frozen machine review: the input geometry and its hash, the rule-set and layer versions
-- used, who and when, and the full result. Re-running on newer data is a new row.
CREATE TABLE review_run (
  id              bigserial PRIMARY KEY,
  case_id         bigint REFERENCES review_case(id),
  project_name    text NOT NULL,
  project_type    text NOT NULL,
  indicators      jsonb NOT NULL DEFAULT '{}',
  geom            geometry(MultiPolygon, 4490) NOT NULL,
  geom_hash       text NOT NULL,
  area_m2         double precision NOT NULL,
  planar_m2       double precision NOT NULL,
  ruleset_name    text NOT NULL,
  ruleset_version int NOT NULL,
  layer_versions  jsonb NOT NULL,
  verdict         text NOT NULL CHECK (verdict IN ('pass', 'warn', 'fail')),
  result          jsonb NOT NULL,
  duration_ms     double precision,
  created_by      text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (ruleset_name, ruleset_version) REFERENCES review_ruleset(name, version)
);
CREATE INDEX review_run_case_idx ON review_run (case_id, id);
CREATE INDEX review_run_geom_idx ON review_run USING gist (geom);
ALTER TABLE review_case ADD FOREIGN KEY (run_id) REFERENCES review_run(id);

-- A reviewer's word on one finding of one run. Rows are only appended; the latest per finding counts.
CREATE TABLE review_finding_review (
  id             bigserial PRIMARY KEY,
  case_id        bigint NOT NULL REFERENCES review_case(id),
  run_id         bigint NOT NULL REFERENCES review_run(id),
  finding_key    text NOT NULL,
  action         text NOT NULL CHECK (action IN ('confirm', 'override', 'false-positive')),
  verdict_before text NOT NULL,
  verdict_after  text NOT NULL CHECK (verdict_after IN ('pass', 'warn', 'fail', 'no-data')),
  reason         text,
  created_by     text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX review_finding_review_idx ON review_finding_review (run_id, finding_key, id);

-- Layer-against-layer consistency review (一致性审查); the conflicts are stored as a layer.
CREATE TABLE consistency_run (
  id             bigserial PRIMARY KEY,
  layer_a        text NOT NULL,
  version_a      int NOT NULL,
  layer_b        text NOT NULL,
  version_b      int NOT NULL,
  result_layer   text NOT NULL,
  result_version int,
  conflict_count int NOT NULL,
  area_m2        double precision NOT NULL,
  planar_m2      double precision NOT NULL,
  by_district    jsonb NOT NULL,
  duration_ms    double precision,
  created_by     text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);
