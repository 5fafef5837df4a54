// Reads on a streaming replica (issue 22 item 10, DATABASE_READ_URL): a primary and a hot standby
// started on this machine. Tiles and OGC API items of a version the standby has replayed are
// answered by the standby (its statement log shows them); a version the standby has not replayed
// yet (replay paused) is answered by the primary — the new version, never the old one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { openDb, type Db } from '../src/db/index.ts';
import { configFromEnv } from '../src/config.ts';
import { buildApp } from '../src/server/app.ts';
import { importFile } from '../src/importers/pipeline.ts';
import { ensureDefaultCatalogue } from '../src/catalogue/catalogue.service.ts';
import { clusterRoot, cluster, clustersUnavailable, configure, freePort, pgRun, start } from './helpers/clusters.ts';

const config = { ...configFromEnv({}), db: {} };
const FIX = 'fixtures/tiles';

// Parcel A1 of fixtures/tiles (120.150–120.152°E × 30.250–30.252°N) lies whole in this z14 tile;
// A2 (119.50–119.51°E × 29.80–29.81°N) in another.
function tileOf(lon: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const phi = (lat * Math.PI) / 180;
  return [Math.floor(((lon + 180) / 360) * n), Math.floor(((1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2) * n)];
}
const A1_TILE = tileOf(120.151, 30.251, 14);
const A2_TILE = tileOf(119.505, 29.805, 14);

const unavailable = clustersUnavailable();

test(
  'replica reads: tiles and OGC items from the standby once it has the version, from the primary before',
  { skip: unavailable ?? false, timeout: 240_000 },
  async () => {
    const { root, clusters, stop } = clusterRoot();
    let db: Db | null = null;
    let app: Awaited<ReturnType<typeof buildApp>> | null = null;
    const clients: pg.Client[] = [];
    try {
      const primary = cluster(root, 'primary', await freePort());
      const standby = cluster(root, 'standby', await freePort());
      clusters.push(primary, standby);
      pgRun('initdb', ['-D', primary.dir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
      configure(primary, root, ['wal_level = replica', 'max_wal_senders = 4']);
      start(primary);
      const admin = new pg.Client({ connectionString: primary.url('postgres') });
      clients.push(admin);
      await admin.connect();
      await admin.query('CREATE DATABASE onemap');
      const setup = new pg.Client({ connectionString: primary.url('onemap') });
      clients.push(setup);
      await setup.connect();
      await setup.query('CREATE EXTENSION postgis'); // replicates with everything else

      pgRun('pg_basebackup', [
        '-h',
        '127.0.0.1',
        '-p',
        String(primary.port),
        '-U',
        'postgres',
        '-D',
        standby.dir,
        '-R',
        '-X',
        'stream',
        '-c',
        'fast',
        '--no-sync',
      ]);
      configure(standby, root, ['hot_standby = on', 'hot_standby_feedback = on']);
      start(standby);
      const replica = new pg.Client({ connectionString: standby.url('onemap') });
      clients.push(replica);
      await replica.connect();
      assert.equal((await replica.query('SELECT pg_is_in_recovery() AS r')).rows[0].r, true, 'the second server is a standby');

      db = await openDb({ databaseUrl: primary.url('onemap'), readUrl: standby.url('onemap') });
      await ensureDefaultCatalogue(db);
      app = await buildApp({ db, config });
      await app.ready();
      const versionsOnStandby = async () =>
        Number(
          (await replica.query(`SELECT count(*) AS n FROM layer_version v JOIN layer l ON l.id = v.layer_id WHERE l.code = 'GHYD'`)).rows[0]
            .n,
        );
      const waitFor = async (what: string, ok: () => Promise<boolean>) => {
        const until = Date.now() + 30_000;
        while (!(await ok())) {
          if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      };
      const tileA1 = async () => {
        const r = await app!.inject(`/tiles/GHYD/14/${A1_TILE[0]}/${A1_TILE[1]}.mvt`);
        assert.equal(r.statusCode, 200, r.body);
        const l = new VectorTile(new PbfReader(r.rawPayload)).layers.GHYD;
        assert.equal(l.length, 1);
        return l.feature(0).properties.YDYHFLDM;
      };
      const itemsA1 = async () => {
        const r = await app!.inject('/ogcapi/collections/GHYD/items?limit=10');
        assert.equal(r.statusCode, 200, r.body);
        const fc = r.json() as { numberMatched: number; features: { id: string; properties: Record<string, unknown> }[] };
        assert.equal(fc.numberMatched, 2);
        return fc.features.find((f) => f.properties.fid === 'A1' || f.id === 'A1')?.properties.YDYHFLDM;
      };

      const identifyA1 = async () => {
        const r = await app!.inject('/api/map/identify?lon=120.151&lat=30.251&layers=GHYD');
        assert.equal(r.statusCode, 200, r.body);
        return r.body;
      };

      // Version 1 (A1 = 0701 城镇住宅用地), replayed by the standby: read there.
      await importFile(db, config, `${FIX}/ghyd_v1.geojson`, { layer: 'GHYD', user: 'test' });
      await waitFor('version 1 on the standby', async () => (await versionsOnStandby()) === 1);
      let mark = standby.logSize();
      assert.equal(await tileA1(), '0701');
      assert.equal(await itemsA1(), '0701');
      assert.match(await identifyA1(), /0701/);
      const seen = standby.logSince(mark);
      assert.match(seen, /ST_MakePoint/, 'the viewer identify ran on the standby');
      assert.match(seen, /ST_AsMVT/i, 'the tile was built on the standby');
      assert.match(seen, /string_agg\(/, 'the OGC items page was written by the standby');

      // Replay paused: version 2 (A1 re-zoned to 0901 商业用地) is on the primary only.
      await replica.query('SELECT pg_wal_replay_pause()');
      await waitFor(
        'replay paused',
        async () => (await replica.query(`SELECT pg_get_wal_replay_pause_state() AS s`)).rows[0].s === 'paused',
      );
      await importFile(db, config, `${FIX}/ghyd_v2.geojson`, { layer: 'GHYD', user: 'test' });
      const primaryMark = primary.logSize();
      mark = standby.logSize();
      assert.equal(await tileA1(), '0901', 'the new version, not the standby’s old one');
      assert.equal(await itemsA1(), '0901');
      const found = await identifyA1();
      assert.ok(found.includes('0901') && !found.includes('0701'), found);
      assert.equal(await versionsOnStandby(), 1, 'the standby still has only version 1: the answers came from the primary');
      assert.match(primary.logSince(primaryMark), /ST_AsMVT/i);
      assert.doesNotMatch(standby.logSince(mark), /ST_AsMVT/i);
      // A tile of version 1, asked for by number, is still the standby's to answer.
      // (A2's tile: not asked for before, so not in the tile cache.)
      const pinned = await app.inject(`/tiles/GHYD/14/${A2_TILE[0]}/${A2_TILE[1]}.mvt?version=1`);
      assert.equal(pinned.statusCode, 200, pinned.body);
      assert.equal(new VectorTile(new PbfReader(pinned.rawPayload)).layers.GHYD.length, 1);
      assert.match(standby.logSince(mark), /ST_AsMVT/i);

      // Replay resumed: version 2 reaches the standby, and its tiles are read there again.
      await replica.query('SELECT pg_wal_replay_resume()');
      await waitFor('version 2 on the standby', async () => (await versionsOnStandby()) === 2);
      mark = standby.logSize();
      const a2 = await app.inject(`/tiles/GHYD/14/${A2_TILE[0]}/${A2_TILE[1]}.mvt`);
      assert.equal(a2.statusCode, 200, a2.body);
      assert.equal(new VectorTile(new PbfReader(a2.rawPayload)).layers.GHYD.length, 1);
      assert.match(standby.logSince(mark), /ST_AsMVT/i);
      assert.ok(db.readStats && db.readStats.replica > 0 && db.readStats.primary > 0, JSON.stringify(db.readStats));
    } finally {
      await app?.close().catch(() => {});
      await db?.close().catch(() => {});
      for (const c of clients) await c.end().catch(() => {});
      stop();
    }
  },
);
