-- One area per geometry (issue 18 item 2, decision 0011). Geometries are stored in EPSG:4490 and
-- every overlay (ST_Intersection, ST_Difference, ST_Subdivide) is planar in lon/lat: the edges it
-- produces are straight in lon/lat. ST_Area(geography) takes each edge as a geodesic instead, so a
-- vertex inserted on an edge (a cut of ST_Subdivide, a T-junction) changed the area measured — the
-- pieces of one geometry did not add up to the whole (17,584,786.44 against 17,585,183.76 m²).
-- These functions measure the region the stored edges bound: every edge is first cut into
-- segments of at most δ = 1e-4° (≤ 11.1 m), along which a geodesic and the lon/lat chord differ by
-- ≤ δ²·tanφ/(8R) ≈ 1.4 µm at 30.6°N, and an area by ≤ δ²·tanφ/(12R) ≈ 9.5e-7 m² per metre of edge
-- (decision 0011 works the bound out). Inserting a vertex on an edge no longer changes the region
-- measured, so the measure adds up over any split: a T-junction on a 1 km cut moves it by ≤ 1e-3 m²
-- (5.8 m² before).

-- The densification step in degrees; keep in step with decision 0011.
CREATE FUNCTION onemap_densify(g geometry) RETURNS geometry
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT ST_Segmentize(g, 0.0001) $$;

-- 椭球面积 (m²): the region bounded by lon/lat-straight edges on the CGCS2000 ellipsoid.
CREATE FUNCTION onemap_area(g geometry) RETURNS double precision
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT ST_Area(onemap_densify(g)::geography) $$;

-- 投影面积 (m²) in a given Gauss-Krüger zone: the same region, its edges densified before the
-- transformation (ST_Transform moves vertices only; a long edge would become straight in the zone).
CREATE FUNCTION onemap_planar_area(g geometry, srid int) RETURNS double precision
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT ST_Area(ST_Transform(onemap_densify(g), srid)) $$;

-- 投影面积 in the feature's own 3° zone (001 defined it without densification).
CREATE OR REPLACE FUNCTION onemap_planar_area(g geometry) RETURNS double precision
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT onemap_planar_area(g, onemap_planar_srid(g)) $$;
