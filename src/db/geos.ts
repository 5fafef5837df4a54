// GEOS failures, one shape on both databases. PostgreSQL raises "GEOS Error: TopologyException …";
// PostGIS on WASM (PGlite) returns nothing at all, which the embedded adapter turns into LostResult
// (pglite.ts). Code that retries an overlay on a precision grid asks `isGeosFailure` and so treats
// both alike.

/**
 * A statement the embedded database ran without completing and without an error (a GEOS failure
 * in PostGIS on WASM). The message names GEOS, as PostgreSQL's TopologyException does.
 */
export class LostResult extends Error {
  constructor(readonly statement: string) {
    super(
      `空间计算失败：嵌入式数据库中的 PostGIS（GEOS）未完成该语句且未报错，结果已丢失；本次操作已撤销，数据未改变。` +
        `请检查相关图形（自相交、近乎重合的边界）后重试，或改用服务器模式 (GEOS error: the statement returned no result on embedded PostGIS: ${summary(statement)})`,
    );
    this.name = 'LostResult';
  }
}

function summary(sql: string): string {
  const s = sql.replace(/\s+/g, ' ').trim();
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}

/** A GEOS failure on either database (a lost result on PGlite, a TopologyException on PostgreSQL). */
export function isGeosFailure(e: unknown): boolean {
  return e instanceof LostResult || /TopologyException|GEOS|side location conflict|non-noded/i.test((e as Error)?.message ?? '');
}
