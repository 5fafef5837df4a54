-- Layer catalogue (资源目录) and the versioned feature store (现势库 with history).
-- Storage CRS: CGCS2000 geographic, EPSG:4490 (domain.md §2).

CREATE TABLE layer (
  id            serial PRIMARY KEY,
  code          text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z][A-Za-z0-9_]{0,39}$'),
  name_zh       text NOT NULL,
  name_en       text,
  class         text NOT NULL CHECK (class IN ('现状', '规划', '管控', '审批', '监测', '基础', '参考')),
  geometry_type text NOT NULL CHECK (geometry_type IN ('Polygon', 'LineString', 'Point', 'Geometry')),
  attr_schema   jsonb NOT NULL DEFAULT '[]',
  statutory     boolean NOT NULL DEFAULT false,
  public        boolean NOT NULL DEFAULT false,
  source        text,
  legal_basis   text,
  owner_dept    text,
  data_date     date,
  description   text,
  sort_order    int NOT NULL DEFAULT 1000,
  active_version int,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE layer_version (
  layer_id      int NOT NULL REFERENCES layer(id),
  version       int NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  -- "As of" queries pick the newest version whose valid_from is not after the date asked.
  valid_from    timestamptz NOT NULL DEFAULT now(),
  source_path   text,
  source_format text,
  source_srid   int,
  feature_count int NOT NULL DEFAULT 0,
  area_m2       double precision,   -- ellipsoidal (椭球面积), sum over features
  planar_m2     double precision,   -- Gauss-Krüger planar (投影面积), sum over features
  added         int NOT NULL DEFAULT 0,
  removed       int NOT NULL DEFAULT 0,
  changed       int NOT NULL DEFAULT 0,
  repaired      jsonb NOT NULL DEFAULT '[]',
  created_by    text,
  note          text,
  PRIMARY KEY (layer_id, version)
);

-- Features keep a version range [v_from, v_to): a new version only writes what changed, the
-- current status is v_to IS NULL (when the newest version is active), and any older version is
-- "alive between v_from and v_to". Partitioned per layer so each layer has its own spatial index.
CREATE SEQUENCE feature_id_seq;
CREATE TABLE feature (
  id         bigint NOT NULL DEFAULT nextval('feature_id_seq'),
  layer_id   int NOT NULL,
  v_from     int NOT NULL,
  v_to       int,
  fid        text NOT NULL,
  props      jsonb NOT NULL DEFAULT '{}',
  geom       geometry(Geometry, 4490) NOT NULL,
  area_m2    double precision,  -- ellipsoidal, polygons only
  planar_m2  double precision,  -- GK zone of the feature, polygons only
  length_m   double precision,  -- ellipsoidal, lines only
  npoints    int NOT NULL,
  row_hash   text NOT NULL,     -- md5 over geometry and attributes: unchanged rows are kept, not copied
  PRIMARY KEY (layer_id, id)
) PARTITION BY LIST (layer_id);

CREATE INDEX feature_geom_idx ON feature USING gist (geom);
CREATE INDEX feature_version_idx ON feature (layer_id, v_from, v_to);
CREATE INDEX feature_fid_idx ON feature (layer_id, fid);

-- Big polygons (control lines with thousands of vertices) cut into pieces of at most 256
-- vertices (ST_Subdivide) so overlays cost in proportion to the area touched, not the vertex count.
-- Only features above the threshold are cut; feature_piece (below) unions both for overlays.
CREATE TABLE feature_part (
  layer_id   int NOT NULL,
  feature_id bigint NOT NULL,
  v_from     int NOT NULL,
  v_to       int,
  geom       geometry(Geometry, 4490) NOT NULL
) PARTITION BY LIST (layer_id);
CREATE INDEX feature_part_geom_idx ON feature_part USING gist (geom);
CREATE INDEX feature_part_feature_idx ON feature_part (layer_id, feature_id);

-- 3° Gauss-Krüger zone (no prefix) for planar area: EPSG 4534 is zone 25; zone = round(lon / 3).
CREATE FUNCTION onemap_planar_srid(g geometry) RETURNS int
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT 4534 + (round(((ST_XMin(g) + ST_XMax(g)) / 2) / 3))::int - 25 $$;

CREATE FUNCTION onemap_planar_area(g geometry) RETURNS double precision
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT ST_Area(ST_Transform(g, onemap_planar_srid(g))) $$;

-- What overlays read: small features whole, big ones as their subdivided pieces.
-- Keep the 256-vertex threshold in step with SUBDIVIDE_MAX_VERTICES in src/store/store.repository.ts.
CREATE VIEW feature_piece AS
  SELECT layer_id, id AS feature_id, v_from, v_to, geom FROM feature WHERE npoints <= 256
  UNION ALL
  SELECT layer_id, feature_id, v_from, v_to, geom FROM feature_part;
