-- Standard layer names (issue 17 item 2): the names a 成果汇交 package's layers carry under the
-- national database specifications — 《市级国土空间总体规划数据库规范（试行）》 (2021), the 三调
-- 《第三次全国国土调查技术规程》 (TD/T 1055-2019) and its database standard — each naming one
-- catalogue layer, so a package's layers are mapped to layers by name, never guessed. A name maps
-- to one layer only (the unique index is on the upper-cased name: names match case-insensitively).
-- Seeded from default-catalogue.json ("standard_names") by ensureDefaultCatalogue, which adds
-- missing names and never moves a name an administrator has mapped elsewhere.
CREATE TABLE layer_standard_name (
  name       text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
  layer_id   int NOT NULL REFERENCES layer(id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX layer_standard_name_upper ON layer_standard_name (upper(name));
