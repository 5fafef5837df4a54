-- The walking network build (network.repository.ts buildGraphTables, decision 0004): the static
-- statements of steps 2–5, run in this order inside the build transaction. $1 is the tolerance in
-- degrees (cutPoints, clusterPoints) or the network id (insertNodes, insertEdges). Work tables are
-- temporary and dropped at commit.

-- name: workTables
DROP TABLE IF EXISTS acc_line, acc_cut, acc_piece, acc_end, acc_pt, acc_node, acc_endnode;
CREATE TEMP TABLE acc_line (lid int PRIMARY KEY, feature_id bigint, fid text, walkable boolean, geom geometry) ON COMMIT DROP;
CREATE TEMP TABLE acc_cut (lid int, f float8) ON COMMIT DROP;
CREATE TEMP TABLE acc_piece (pid int PRIMARY KEY, lid int, geom geometry) ON COMMIT DROP;
CREATE TEMP TABLE acc_end (pid int, side int, x float8, y float8) ON COMMIT DROP;
CREATE TEMP TABLE acc_pt (x float8, y float8, first int, geom geometry, cid int) ON COMMIT DROP;
CREATE TEMP TABLE acc_node (cid int PRIMARY KEY, id int) ON COMMIT DROP;

-- name: cutPoints
INSERT INTO acc_cut (lid, f)
SELECT DISTINCT a.lid, ST_LineLocatePoint(a.geom, p.geom)
  FROM acc_line a
  JOIN acc_line b ON b.lid <> a.lid AND b.walkable = a.walkable AND b.geom && ST_Expand(a.geom, $1::float8)
  CROSS JOIN LATERAL (
    SELECT (ST_DumpPoints(ST_Intersection(a.geom, b.geom))).geom WHERE ST_Intersects(a.geom, b.geom)
    UNION ALL
    SELECT ST_ClosestPoint(a.geom, e.geom)
      FROM (VALUES (ST_StartPoint(b.geom)), (ST_EndPoint(b.geom))) e(geom)
     WHERE ST_DWithin(a.geom, e.geom, $1::float8) AND NOT ST_Intersects(a.geom, e.geom)
  ) p
 WHERE NOT ST_DWithin(p.geom, ST_StartPoint(a.geom), $1::float8) AND NOT ST_DWithin(p.geom, ST_EndPoint(a.geom), $1::float8)

-- name: pieces
INSERT INTO acc_piece (pid, lid, geom)
 SELECT row_number() OVER (ORDER BY s.lid, s.f0)::int, s.lid,
        CASE WHEN s.f0 = 0 AND s.f1 = 1 THEN l.geom ELSE ST_LineSubstring(l.geom, s.f0, s.f1) END
   FROM (SELECT lid, f AS f0, lead(f) OVER (PARTITION BY lid ORDER BY f) AS f1
           FROM (SELECT lid, f FROM acc_cut UNION SELECT lid, 0 FROM acc_line UNION SELECT lid, 1 FROM acc_line) c) s
   JOIN acc_line l ON l.lid = s.lid
  WHERE s.f1 IS NOT NULL AND s.f1 > s.f0;
INSERT INTO acc_end (pid, side, x, y)
 SELECT pid, 0, ST_X(ST_StartPoint(geom)), ST_Y(ST_StartPoint(geom)) FROM acc_piece
 UNION ALL
 SELECT pid, 1, ST_X(ST_EndPoint(geom)), ST_Y(ST_EndPoint(geom)) FROM acc_piece;
ANALYZE acc_piece; ANALYZE acc_end;

-- name: points
INSERT INTO acc_pt (x, y, first, geom)
SELECT x, y, min(pid * 2 + side), ST_SetSRID(ST_MakePoint(x, y), 4490) FROM acc_end GROUP BY x, y;

-- name: clusterPoints
UPDATE acc_pt p SET cid = c.cid
 FROM (SELECT x, y, ST_ClusterDBSCAN(geom, eps := $1::float8, minpoints := 1) OVER () AS cid FROM acc_pt) c
WHERE c.x = p.x AND c.y = p.y

-- name: nodes
ANALYZE acc_pt;
INSERT INTO acc_node (cid, id)
 SELECT cid, row_number() OVER (ORDER BY min(first))::int FROM acc_pt GROUP BY cid;
ANALYZE acc_node;

-- name: insertNodes
INSERT INTO access_node (network_id, id, geom)
SELECT $1, n.id, p.geom
  FROM acc_node n JOIN (SELECT DISTINCT ON (cid) cid, geom FROM acc_pt ORDER BY cid, first) p ON p.cid = n.cid

-- name: endNodes
CREATE TEMP TABLE acc_endnode ON COMMIT DROP AS
 SELECT e.pid, e.side, n.id AS node FROM acc_end e JOIN acc_pt p ON p.x = e.x AND p.y = e.y JOIN acc_node n ON n.cid = p.cid;
CREATE INDEX acc_endnode_pid ON acc_endnode (pid, side); ANALYZE acc_endnode;

-- name: insertEdges
INSERT INTO access_edge (network_id, id, source, target, length_m, walkable, feature_id, fid, geom)
SELECT $1, row_number() OVER (ORDER BY pc.pid)::int, s.node, t.node, ST_Length(pc.geom::geography), l.walkable, l.feature_id, l.fid, pc.geom
  FROM acc_piece pc
  JOIN acc_line l ON l.lid = pc.lid
  JOIN acc_endnode s ON s.pid = pc.pid AND s.side = 0
  JOIN acc_endnode t ON t.pid = pc.pid AND t.side = 1
 WHERE s.node <> t.node

-- name: dropWork
DROP TABLE IF EXISTS acc_line, acc_cut, acc_piece, acc_end, acc_pt, acc_node, acc_endnode
