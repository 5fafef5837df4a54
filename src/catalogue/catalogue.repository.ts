// All SQL of the layer catalogue (资源目录).
import type { Queryable } from '../db/index.ts';
import type { Static } from '../schema.ts';
import type { LayerMeta, AttrField as AttrFieldSchema } from './catalogue.schemas.ts';

/** A catalogue row is what GET /api/layers/{code} answers: the schema is the type. */
export type LayerRow = LayerMeta;
export type AttrField = Static<typeof AttrFieldSchema>;

export type LayerInput = Omit<
  LayerRow,
  | 'id'
  | 'active_version'
  | 'attr_schema'
  | 'name_en'
  | 'source'
  | 'legal_basis'
  | 'owner_dept'
  | 'data_date'
  | 'description'
  | 'statutory'
  | 'public'
> &
  Partial<
    Pick<
      LayerRow,
      'name_en' | 'source' | 'legal_basis' | 'owner_dept' | 'data_date' | 'description' | 'statutory' | 'public' | 'attr_schema'
    >
  > & { sort_order?: number };

const COLS = `id, code, name_zh, name_en, class, geometry_type, attr_schema, statutory, public, source,
  legal_basis, owner_dept, to_char(data_date, 'YYYY-MM-DD') AS data_date, description, active_version`;

export async function findAll(db: Queryable): Promise<LayerRow[]> {
  return (await db.query<LayerRow>(`SELECT ${COLS} FROM layer ORDER BY sort_order, code`)).rows;
}

export async function findByCode(db: Queryable, code: string): Promise<LayerRow | undefined> {
  return (await db.query<LayerRow>(`SELECT ${COLS} FROM layer WHERE upper(code) = upper($1)`, [code])).rows[0];
}

/** Descriptive metadata an administrator may edit (catalogue.service.updateLayerMetadata). */
export type LayerMetadata = Partial<
  Pick<LayerRow, 'name_zh' | 'name_en' | 'source' | 'legal_basis' | 'owner_dept' | 'data_date' | 'description' | 'statutory'>
>;

export async function updateMetadata(db: Queryable, id: number, m: Required<LayerMetadata>): Promise<void> {
  await db.query(
    `UPDATE layer SET name_zh = $2, name_en = $3, source = $4, legal_basis = $5, owner_dept = $6, data_date = $7::date, description = $8, statutory = $9, updated_at = now()
      WHERE id = $1`,
    [id, m.name_zh, m.name_en, m.source, m.legal_basis, m.owner_dept, m.data_date, m.description, m.statutory],
  );
}

/** Inserts a layer unless its code exists. */
export async function insertIfMissing(db: Queryable, l: LayerInput): Promise<number | undefined> {
  const r = await db.query<{ id: number }>(
    `INSERT INTO layer (code, name_zh, name_en, class, geometry_type, attr_schema, statutory, public, source,
       legal_basis, owner_dept, data_date, description, sort_order)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11, $12::date, $13, $14)
     ON CONFLICT (code) DO NOTHING RETURNING id`,
    [
      l.code,
      l.name_zh,
      l.name_en ?? null,
      l.class,
      l.geometry_type,
      JSON.stringify(l.attr_schema ?? []),
      l.statutory ?? false,
      l.public ?? false,
      l.source ?? null,
      l.legal_basis ?? null,
      l.owner_dept ?? null,
      l.data_date ?? null,
      l.description ?? null,
      l.sort_order ?? 1000,
    ],
  );
  // The layer's feature partitions are created by its first import (store.repository.ts).
  const id = r.rows[0]?.id;
  return id;
}

export interface LayerSummary {
  code: string;
  name_zh: string;
  class: string;
  public: boolean;
  active_version: number | null;
  feature_count: number;
}

export async function summaries(db: Queryable): Promise<LayerSummary[]> {
  return (
    await db.query<LayerSummary>(
      `SELECT l.code, l.name_zh, l.class, l.public, l.active_version, coalesce(v.feature_count, 0)::int AS feature_count
         FROM layer l LEFT JOIN layer_version v ON v.layer_id = l.id AND v.version = l.active_version
        ORDER BY l.sort_order, l.code`,
    )
  ).rows;
}

/** The codes among `codes` whose layer has at least one version (data was imported), in catalogue order. */
export async function codesWithVersions(db: Queryable, codes: readonly string[]): Promise<string[]> {
  const r = await db.query<{ code: string }>(
    `SELECT l.code FROM layer l WHERE l.code = ANY ($1::text[]) AND EXISTS (SELECT 1 FROM layer_version v WHERE v.layer_id = l.id)
      ORDER BY l.sort_order, l.code`,
    [codes],
  );
  return r.rows.map((x) => x.code);
}

/** Declared data coverage of a layer (NULL = the whole city), as GeoJSON. */
export async function coverageOf(db: Queryable, id: number): Promise<string | null> {
  return (await db.query<{ g: string | null }>(`SELECT ST_AsGeoJSON(coverage, 7) AS g FROM layer WHERE id = $1`, [id])).rows[0]?.g ?? null;
}

/** Sets the coverage from GeoJSON (lon/lat, EPSG:4490) or clears it; returns why it is refused, or null. */
export async function setCoverage(db: Queryable, id: number, geojson: string | null): Promise<string | null> {
  if (geojson === null) {
    await db.query(`UPDATE layer SET coverage = NULL, updated_at = now() WHERE id = $1`, [id]);
    return null;
  }
  const chk = await db.query<{ reason: string | null }>(
    `WITH g AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4490) AS g)
     SELECT CASE WHEN GeometryType(g) NOT IN ('POLYGON', 'MULTIPOLYGON') THEN 'coverage must be a Polygon or MultiPolygon, got ' || GeometryType(g)
                 WHEN NOT ST_IsValid(g) THEN 'invalid geometry: ' || ST_IsValidReason(g) END AS reason FROM g`,
    [geojson],
  );
  if (chk.rows[0].reason) return chk.rows[0].reason;
  await db.query(`UPDATE layer SET coverage = ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($2), 4490)), updated_at = now() WHERE id = $1`, [
    id,
    geojson,
  ]);
  return null;
}

/** Adds the standard names of layer `code` that no layer has yet (a name an administrator mapped elsewhere stays). */
export async function addStandardNames(db: Queryable, code: string, names: readonly string[]): Promise<void> {
  await db.query(
    `INSERT INTO layer_standard_name (name, layer_id)
     SELECT n, l.id FROM unnest($2::text[]) AS n, layer l WHERE l.code = $1
     ON CONFLICT DO NOTHING`,
    [code, names],
  );
}

export interface LayerNameMatch {
  name: string;
  code: string;
  name_zh: string;
  geometry_type: string;
  /** How the name matched: a standard name, the layer code, or its Chinese name. */
  by: 'standard' | 'code' | 'name_zh';
}

/**
 * The catalogue layer each of `names` stands for, matched case-insensitively on the standard names
 * (layer_standard_name), the layer code, or the Chinese name (whole, or without a closing
 * 「（…）」 remark: 地类图斑（三调/变更调查） answers 地类图斑). A name with no match is absent.
 */
export async function layersByName(db: Queryable, names: readonly string[]): Promise<LayerNameMatch[]> {
  const r = await db.query<LayerNameMatch>(
    `SELECT DISTINCT ON (n.name) n.name, l.code, l.name_zh, l.geometry_type, m.by
       FROM unnest($1::text[]) AS n(name)
       JOIN LATERAL (
         SELECT s.layer_id, 'standard' AS by, 1 AS rank FROM layer_standard_name s WHERE upper(s.name) = upper(btrim(n.name))
         UNION ALL
         SELECT x.id, 'code', 2 FROM layer x WHERE upper(x.code) = upper(btrim(n.name))
         UNION ALL
         SELECT x.id, 'name_zh', 3 FROM layer x
          WHERE upper(btrim(n.name)) IN (upper(x.name_zh), upper(regexp_replace(x.name_zh, '\\s*[（(][^（()）]*[)）]\\s*$', '')))
       ) m ON true
       JOIN layer l ON l.id = m.layer_id
      ORDER BY n.name, m.rank, l.code`,
    [names],
  );
  return r.rows;
}

/** Every layer code with its standard names, for a refusal that lists what is known. */
export async function standardNames(db: Queryable): Promise<{ code: string; names: string[] }[]> {
  const r = await db.query<{ code: string; names: string[] }>(
    `SELECT l.code, coalesce(array_agg(s.name ORDER BY s.created_at, s.name) FILTER (WHERE s.name IS NOT NULL), '{}') AS names
       FROM layer l LEFT JOIN layer_standard_name s ON s.layer_id = l.id
      GROUP BY l.id, l.code, l.sort_order ORDER BY l.sort_order, l.code`,
  );
  return r.rows;
}
