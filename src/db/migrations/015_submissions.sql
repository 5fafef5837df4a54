-- 成果提交 (issue 17 item 5): a file handed in for a layer is kept, checked (质检 and the diff
-- against the version in force, nothing written) and waits for 入库 or 退回 by a reviewer.
--
-- The file is kept in the database (submission_file.content, bytea), not in a folder: it lives and
-- dies with its submission in one transaction, is in every backup (`onemap backup` of either
-- database), and the embedded default needs no second place to keep consistent with ./data. The
-- upload cap (ONEMAP_UPLOAD_MB, 500 MB by default) bounds it; a Shapefile sent as parts is one row
-- per part.
CREATE TABLE submission (
  id            bigserial PRIMARY KEY,
  layer_id      int NOT NULL REFERENCES layer(id),
  -- pending 待审核 · qc_failed 质检未通过 · accepted 已入库 · returned 已退回
  status        text NOT NULL CHECK (status IN ('pending', 'qc_failed', 'accepted', 'returned')),
  file_name     text NOT NULL,
  file_bytes    bigint NOT NULL,
  -- The import options as submitted (encoding, srid, from, idField, …): 入库 imports with the same.
  options       jsonb NOT NULL DEFAULT '{}',
  -- The version in force when the file was checked (NULL: the layer had none). 入库 is refused
  -- when the layer has moved on since: the check would no longer describe what is written.
  base_version  int,
  -- What the dry run found: counts, areas, warnings, match key (ImportResult without geometry).
  result        jsonb,
  -- The QC report (src/qc QcReport with error geometries), NULL when the layer has no rules.
  qc            jsonb,
  -- The import's own refusals (invalid geometry, outside the city, duplicate ids), as QC errors.
  problems      jsonb NOT NULL DEFAULT '[]',
  -- The diff against base_version: summary, class totals and the features (listed up to a cap).
  diff          jsonb,
  note          text,
  submitted_by  text NOT NULL,
  submitted_at  timestamptz NOT NULL DEFAULT now(),
  decided_by    text,
  decided_at    timestamptz,
  reason        text,
  -- The version 入库 wrote.
  version       int,
  CHECK ((status = 'accepted') = (version IS NOT NULL)),
  CHECK (status <> 'returned' OR (reason IS NOT NULL AND length(btrim(reason)) > 0))
);
CREATE INDEX submission_layer ON submission (layer_id, version);
CREATE INDEX submission_status ON submission (status, submitted_at DESC);

CREATE TABLE submission_file (
  submission_id bigint NOT NULL REFERENCES submission(id) ON DELETE CASCADE,
  name          text NOT NULL CHECK (name !~ '[/\\]' AND name !~ '^\.'),
  content       bytea NOT NULL,
  PRIMARY KEY (submission_id, name)
);
