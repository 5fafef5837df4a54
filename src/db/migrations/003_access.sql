-- 15-minute life circle (15分钟生活圈, domain.md §8; decision 0004): the routable walking network
-- built from a line layer version, and coverage runs with the data versions they were computed from.
-- Lengths and distances are ellipsoidal (CGCS2000 via geography), in metres.

-- One row per network version: built from one version of a line layer (BXWL) with one set of
-- build parameters. The same layer version and parameters are never built twice.
CREATE TABLE access_network (
  id                  serial PRIMARY KEY,
  layer_id            int NOT NULL REFERENCES layer(id),
  layer_version       int NOT NULL,
  params              jsonb NOT NULL,            -- tolerance and walkability rule
  node_count          int NOT NULL DEFAULT 0,    -- nodes on walkable edges
  edge_count          int NOT NULL DEFAULT 0,    -- all edges, walkable or not
  walkable_edge_count int NOT NULL DEFAULT 0,
  walkable_length_m   double precision NOT NULL DEFAULT 0,
  component_count     int NOT NULL DEFAULT 0,
  largest_component   int,                       -- component id of the main network
  dead_ends           int NOT NULL DEFAULT 0,    -- walkable nodes of degree 1
  -- The walkable edges packed for the graph engine (per edge, big-endian: int4 id, int4 source,
  -- int4 target, float8 length_m) and the highest node id: loading a graph is one value read.
  graph_edges         bytea,
  graph_nodes         int,
  built_at            timestamptz NOT NULL DEFAULT now(),
  build_seconds       double precision,
  created_by          text
);
CREATE INDEX access_network_layer_idx ON access_network (layer_id, layer_version);

-- Node ids are dense from 1 within a network (the graph engine indexes typed arrays by them).
CREATE TABLE access_node (
  network_id int NOT NULL REFERENCES access_network(id) ON DELETE CASCADE,
  id         int NOT NULL,
  degree     int NOT NULL DEFAULT 0,   -- walkable edges meeting here
  component  int,                      -- connected component over walkable edges; NULL: no walkable edge
  geom       geometry(Point, 4490) NOT NULL,
  PRIMARY KEY (network_id, id)
);
CREATE INDEX access_node_geom_idx ON access_node USING gist (geom);

-- Edges run from source to target along geom; length_m is ellipsoidal. feature_id points at the
-- BXWL feature row (immutable for its version) the edge was cut from.
CREATE TABLE access_edge (
  network_id int NOT NULL REFERENCES access_network(id) ON DELETE CASCADE,
  id         int NOT NULL,
  source     int NOT NULL,
  target     int NOT NULL,
  length_m   double precision NOT NULL,
  walkable   boolean NOT NULL,
  feature_id bigint NOT NULL,
  fid        text NOT NULL,
  geom       geometry(LineString, 4490) NOT NULL,
  PRIMARY KEY (network_id, id)
);
CREATE INDEX access_edge_geom_idx ON access_edge USING gist (geom);

-- Connected components (walkable edges only). Every component but the largest is an island.
CREATE TABLE access_component (
  network_id int NOT NULL REFERENCES access_network(id) ON DELETE CASCADE,
  id         int NOT NULL,
  nodes      int NOT NULL,
  edges      int NOT NULL,
  length_m   double precision NOT NULL,
  geom       geometry(Geometry, 4490),  -- convex hull of the component's edges, for the map
  PRIMARY KEY (network_id, id)
);

-- A coverage run: parameters, the network version and every layer version it read, and the
-- figures (the CLI's JSON) frozen at the time.
CREATE TABLE access_run (
  id                    serial PRIMARY KEY,
  network_id            int NOT NULL REFERENCES access_network(id),
  params                jsonb NOT NULL,
  versions              jsonb NOT NULL,   -- {layer code: version} of network, facility, residential, district and water layers
  residential_layer_id  int NOT NULL REFERENCES layer(id),
  residential_version   int NOT NULL,
  summary               json NOT NULL,      -- json, not jsonb: keeps the key order the CLI prints
  seconds               double precision,   -- NULL until the run is complete
  created_at            timestamptz NOT NULL DEFAULT now(),
  created_by            text
);

-- Facility types of a run, in order: bit idx of access_run_parcel.covered_mask.
CREATE TABLE access_run_type (
  run_id          int NOT NULL REFERENCES access_run(id) ON DELETE CASCADE,
  idx             int NOT NULL CHECK (idx BETWEEN 0 AND 30),
  type            text NOT NULL,
  definition      jsonb NOT NULL,
  budget_minutes  double precision NOT NULL,
  budget_m        double precision NOT NULL,
  layer_code      text NOT NULL,
  layer_version   int,
  facilities      int NOT NULL,
  snapped         int NOT NULL,
  PRIMARY KEY (run_id, idx)
);

-- Where each facility meets the network: an edge point (edge_id, offset_m from the edge's source)
-- or, for polygon facilities (parks), also every node within the snap distance (node_id).
-- leg_m is the walk from the facility to that point. Unsnapped facilities have neither.
CREATE TABLE access_run_facility (
  run_id     int NOT NULL REFERENCES access_run(id) ON DELETE CASCADE,
  type_idx   int NOT NULL,
  feature_id bigint NOT NULL,
  fid        text NOT NULL,
  edge_id    int,
  offset_m   double precision,
  node_id    int,
  leg_m      double precision
);
CREATE INDEX access_run_facility_idx ON access_run_facility (run_id, type_idx);

-- Residential parcels of a run with their snap and which types reach them (bit per type idx).
-- Uncovered parcels (not reached by every type) are served from here as a layer.
CREATE TABLE access_run_parcel (
  run_id        int NOT NULL REFERENCES access_run(id) ON DELETE CASCADE,
  feature_id    bigint NOT NULL,
  fid           text NOT NULL,
  district_code text,
  area_m2       double precision NOT NULL,
  population    double precision,
  edge_id       int,
  offset_m      double precision,
  leg_m         double precision,
  covered_mask  int NOT NULL,
  PRIMARY KEY (run_id, feature_id)
);

-- Figures per (type, district): type '' = all types together, district_code '' = whole city.
CREATE TABLE access_run_figure (
  run_id               int NOT NULL REFERENCES access_run(id) ON DELETE CASCADE,
  type                 text NOT NULL,
  district_code        text NOT NULL,
  district_name        text,
  residential_area_m2  double precision NOT NULL,
  covered_area_m2      double precision NOT NULL,
  parcels              int NOT NULL,
  covered_parcels      int NOT NULL,
  population           double precision,
  covered_population   double precision,
  PRIMARY KEY (run_id, type, district_code)
);
