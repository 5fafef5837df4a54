-- Named transformation parameter sets for old datums (issue 18 item 4, decision 0012): the bureau's
-- 7-parameter (Bursa–Wolf) or 4-parameter (plane) sets from Xian 1980 / Beijing 1954 to CGCS2000,
-- kept by administrators (POST /api/datum-params, `onemap datum-params add`) and named on import
-- (`--datum-params NAME`, upload field datumParams). Values are stored in the position-vector
-- convention (EPSG 9606 = PROJ +towgs84): ΔX ΔY ΔZ in metres, rotations in arc-seconds, scale in
-- ppm; `convention` records how the administrator wrote them (coordinate-frame sets had their
-- rotation signs flipped on entry). A set is never updated in place: an import's record names the
-- set and copies its numbers, and a new set gets a new name.
CREATE TABLE datum_param_set (
  name text PRIMARY KEY CHECK (name ~ '^[[:alnum:]_.-]{1,64}$' AND name !~ '^[47]:'),
  datum text CHECK (datum IN ('xian80', 'beijing54')),
  kind smallint NOT NULL CHECK (kind IN (4, 7)),
  params double precision[] NOT NULL CHECK (cardinality(params) = kind),
  convention text NOT NULL DEFAULT 'position_vector' CHECK (convention IN ('position_vector', 'coordinate_frame')),
  note text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
