// Fail closed on a lost result (issue 22 item 1). PostGIS on WASM (pglite-postgis 0.2.8) answers a
// statement in which GEOS fails with no rows and no error; PostgreSQL raises a TopologyException.
// The database layer must make both an error — so a check never reads "no rows" as "nothing
// wrong", and a transaction around the failure rolls back — while an honest empty answer stays an
// empty answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from './helpers/db.ts';
import { isGeosFailure } from '../src/db/geos.ts';
import { importFromReader } from '../src/importers/pipeline.ts';
import { assertParcelsInDistricts } from '../src/auth/districts.ts';
import { geometryToWkb } from '../src/util/wkb.ts';
import { memoryReader, rect } from './helpers/memory-reader.ts';
import type { User } from '../src/auth/types.ts';

// A self-intersecting bow tie and a square over its crossing: GEOS cannot compute the difference
// (the minimal reproduction of issue 22).
const BOWTIE = `'POLYGON((0 0, 10 10, 10 0, 0 10, 0 0))'::geometry`;
const SQUARE = `'POLYGON((0 0, 5 0, 5 5, 0 5, 0 0))'::geometry`;
const FAILING = `ST_Difference(${BOWTIE}, ${SQUARE})`;

for (const t of testDatabases()) {
  test(`${t.name}: a statement GEOS cannot finish is an error, not an empty answer`, async () => {
    const { db, close } = await t.open({ catalogue: false });
    try {
      await assert.rejects(db.query(`SELECT ${FAILING} AS g`), isGeosFailure);
      await assert.rejects(db.query(`SELECT x, ${FAILING} AS g FROM generate_series(1, 3) x`), isGeosFailure);
      // Honest empty answers are untouched: no false alarm.
      assert.equal((await db.query(`SELECT 1 AS one WHERE false`)).rows.length, 0);
      await db.exec(`CREATE TABLE guard_t (id int PRIMARY KEY, g geometry)`);
      assert.equal((await db.query(`UPDATE guard_t SET id = 2 WHERE false`)).rowCount, 0);
      assert.equal((await db.query(`INSERT INTO guard_t VALUES (1, NULL)`)).rowCount, 1);
      // The connection is still usable after a lost statement.
      assert.equal((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM guard_t`)).rows[0].n, 1);
    } finally {
      await close();
    }
  });

  test(`${t.name}: a transaction around a failed geometry statement commits nothing`, async () => {
    const { db, close } = await t.open({ catalogue: false });
    try {
      await db.exec(`CREATE TABLE guard_tx (id int PRIMARY KEY, g geometry)`);
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.query(`INSERT INTO guard_tx VALUES (1, NULL)`);
          await tx.query(`INSERT INTO guard_tx SELECT 2, ${FAILING}`);
          await tx.query(`INSERT INTO guard_tx VALUES (3, NULL)`);
        }),
        isGeosFailure,
      );
      assert.equal((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM guard_tx`)).rows[0].n, 0);
      // A script that stops at the failing statement is an error too.
      await assert.rejects(
        db.exec(`INSERT INTO guard_tx VALUES (4, NULL); SELECT ${FAILING}; INSERT INTO guard_tx VALUES (5, NULL);`),
        isGeosFailure,
      );
      const ids = (await db.query<{ id: number }>(`SELECT id FROM guard_tx ORDER BY id`)).rows.map((r) => r.id);
      assert.ok(!ids.includes(5), `the statement after the failure must not run (got ids ${ids.join(',')})`);
    } finally {
      await close();
    }
  });

  test(`${t.name}: the district check refuses when GEOS fails instead of finding nothing outside`, async () => {
    const { db, config, close } = await t.open();
    try {
      // One district, 西湖区, a 0.05° square near Hangzhou.
      const reader = memoryReader([
        { fid: 'd1', geometry: { type: 'Polygon', coordinates: [rect(120.0, 30.2, 0.05)] }, props: { XZQDM: '330106', XZQMC: '西湖区' } },
      ]);
      await importFromReader(db, config, reader, { layer: config.districts.layer, user: 'test' });
      const officer: User = { id: 7, username: 'xihu', name: '西湖区', role: 'district', districts: ['330106'], via: 'session' };
      const inside = { type: 'Polygon' as const, coordinates: [rect(120.01, 30.21, 0.01)] };
      // A bow tie crossing the district's corner: reaches far outside, but GEOS cannot compute by how much.
      const bowtie = {
        type: 'Polygon' as const,
        coordinates: [
          [
            [120.0, 30.2],
            [120.1, 30.3],
            [120.1, 30.2],
            [120.0, 30.3],
            [120.0, 30.2],
          ],
        ],
      };
      // Control: a parcel inside passes.
      await assertParcelsInDistricts(db, config.districts, officer, [{ fid: 'in', ewkb: ewkbWithSrid(geometryToWkb(inside)) }]);
      await assert.rejects(
        assertParcelsInDistricts(db, config.districts, officer, [
          { fid: 'in', ewkb: ewkbWithSrid(geometryToWkb(inside)) },
          { fid: 'bowtie', ewkb: ewkbWithSrid(geometryToWkb(bowtie)) },
        ]),
        (e: unknown) => isGeosFailure(e) || (e as { code?: string }).code === 'outside_districts',
      );
    } finally {
      await close();
    }
  });
}

/** ISO WKB (little-endian) → EWKB with SRID 4490. */
function ewkbWithSrid(wkb: Buffer): string {
  const out = Buffer.alloc(wkb.length + 4);
  out[0] = wkb[0];
  const le = wkb[0] === 1;
  const type = le ? wkb.readUInt32LE(1) : wkb.readUInt32BE(1);
  const withSrid = (type | 0x20000000) >>> 0;
  if (le) {
    out.writeUInt32LE(withSrid, 1);
    out.writeUInt32LE(4490, 5);
  } else {
    out.writeUInt32BE(withSrid, 1);
    out.writeUInt32BE(4490, 5);
  }
  wkb.copy(out, 9, 5);
  return out.toString('hex');
}
