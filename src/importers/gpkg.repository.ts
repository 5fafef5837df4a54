// All SQL of the GeoPackage reader (gpkg.ts): SQLite statements on a GeoPackage opened in memory
// with sql.js (SQLite compiled to WASM, no native build on the servers). Table and column names
// come from the file itself and are always quoted.
import initSqlJs, { type Database, type SqlJsStatic, type SqlValue } from 'sql.js';

export type { Database, SqlValue };

// WASM compilation takes ~50 ms; one compiled module serves every database opened later. This is
// a cache of compiled code (like a dynamic import), not application state.
let sqlJs: Promise<SqlJsStatic> | undefined;

/** The file's bytes as an in-memory SQLite database (close it when done). */
export async function openSqlite(bytes: Uint8Array): Promise<Database> {
  sqlJs ??= initSqlJs();
  const SQL = await sqlJs;
  return new SQL.Database(bytes);
}

const quoteId = (name: string): string => `"${name.replace(/"/g, '""')}"`;

function rows(db: Database, sql: string, params: SqlValue[] = []): Record<string, SqlValue>[] {
  const st = db.prepare(sql);
  try {
    st.bind(params);
    const out: Record<string, SqlValue>[] = [];
    while (st.step()) out.push(st.getAsObject() as Record<string, SqlValue>);
    return out;
  } finally {
    st.free();
  }
}

/** Whether the database has the gpkg_contents table every GeoPackage has. */
export const hasContents = (db: Database): boolean =>
  rows(db, "SELECT 1 FROM sqlite_master WHERE type IN ('table','view') AND name = 'gpkg_contents'").length > 0;

/** The feature layers (tables) gpkg_contents lists, by name. */
export const featureLayers = (db: Database): string[] =>
  rows(db, "SELECT table_name FROM gpkg_contents WHERE lower(data_type) = 'features' ORDER BY table_name").map((r) => String(r.table_name));

/** The geometry column of a layer, its declared type and SRS, or undefined when none is registered. */
export function geometryColumn(db: Database, layer: string): { column: string; type: string; srsId: number } | undefined {
  const r = rows(db, 'SELECT column_name, geometry_type_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?', [layer])[0];
  return r && { column: String(r.column_name), type: String(r.geometry_type_name), srsId: Number(r.srs_id) };
}

/** A spatial reference system of the file, or undefined. */
export function spatialRef(db: Database, srsId: number): { organization: string; code: number; name: string | null } | undefined {
  const r = rows(db, 'SELECT organization, organization_coordsys_id, srs_name FROM gpkg_spatial_ref_sys WHERE srs_id = ?', [srsId])[0];
  return (
    r && {
      organization: String(r.organization),
      code: Number(r.organization_coordsys_id),
      name: r.srs_name === null ? null : String(r.srs_name),
    }
  );
}

/** The columns of a table: name, declared type, primary-key position (0 = not in the key). */
export const columns = (db: Database, table: string): { name: string; type: string; pk: number }[] =>
  rows(db, `PRAGMA table_info(${quoteId(table)})`).map((c) => ({ name: String(c.name), type: String(c.type), pk: Number(c.pk) }));

export const countRows = (db: Database, table: string): number => Number(rows(db, `SELECT count(*) AS n FROM ${quoteId(table)}`)[0].n);

/**
 * Reads `table` in pages of `pageRows` by its integer primary key `pk`: each call returns the rows
 * (pk, geometry, then `props` in order) with a key above `after`, so only one page of row objects
 * exists at a time.
 */
export function pageReader(db: Database, table: string, pk: string, geometry: string, props: string[], pageRows: number) {
  const select = `SELECT ${[pk, geometry, ...props].map(quoteId).join(', ')} FROM ${quoteId(table)} WHERE ${quoteId(pk)} > ? ORDER BY ${quoteId(pk)} LIMIT ${pageRows}`;
  return (after: SqlValue): SqlValue[][] => {
    const page: SqlValue[][] = [];
    const st = db.prepare(select);
    try {
      st.bind([after]);
      while (st.step()) page.push(st.get());
    } finally {
      st.free();
    }
    return page;
  };
}
