// The embedded database runs off the HTTP event loop (issue 22 item 2). PGlite is WASM: on the
// event loop's thread a long statement blocked every timer, socket and request until it ended.
// In its worker thread (src/db/pglite-worker.ts) this thread stays free, the worker keeps the
// adapter's contract (typed errors, exclusive transactions, COPY, the LostResult guard), and a
// request that runs out of time gets its answer without corrupting the next caller's session.
// Not timing-based: each test orders events (a timer before a statement's answer), it does not
// measure how fast they are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from './helpers/db.ts';
import { queryContext, QueryTimeoutError } from '../src/db/context.ts';
import { LostResult } from '../src/db/geos.ts';
import { buildApp } from '../src/server/app.ts';

const FAILING = `ST_Difference('POLYGON((0 0, 10 10, 10 0, 0 10, 0 0))'::geometry, 'POLYGON((0 0, 5 0, 5 5, 0 5, 0 0))'::geometry)`;

/** Resolves with `label` after `ms` on this thread's timers. */
const timer = (ms: number, label: string) => new Promise<string>((r) => setTimeout(() => r(label), ms));

for (const t of testDatabases()) {
  test(`${t.name}: a timer on the event loop fires while a long statement runs`, async () => {
    const { db, close } = await t.open({ catalogue: false });
    try {
      const order: string[] = [];
      const sleep = db.query(`SELECT pg_sleep(2)`).then(() => order.push('statement'));
      // 50 ms after a 2 s statement started: on a blocked event loop it could fire only after it.
      const tick = timer(50, 'timer').then((l) => order.push(l));
      await Promise.all([sleep, tick]);
      assert.deepEqual(order, ['timer', 'statement']);
    } finally {
      await close();
    }
  });

  test(`${t.name}: errors keep their SQLSTATE and kind; COPY and scripts work; a lost result is LostResult`, async () => {
    const { db, close } = await t.open({ catalogue: false });
    try {
      await assert.rejects(
        db.query(`SELECT 1 / 0`),
        (e: Error & { code?: string }) => e.code === '22012' && /division by zero/.test(e.message),
      );
      await db.exec(`CREATE TABLE w_t (id int PRIMARY KEY, name text);\nCREATE INDEX ON w_t (name)`);
      await db.copyText('w_t', ['id', 'name'], '1\t甲\n2\t\\N\n');
      await assert.rejects(db.query(`INSERT INTO w_t VALUES (1, 'x')`), (e: Error & { code?: string; constraint?: string }) => {
        return e.code === '23505' && e.constraint === 'w_t_pkey';
      });
      const rows = (
        await db.query<{ id: number; name: string | null; b: Uint8Array }>(`SELECT id, name, $1::bytea AS b FROM w_t ORDER BY id`, [
          Buffer.from([7, 8]),
        ])
      ).rows;
      assert.deepEqual(
        rows.map((r) => [r.id, r.name, [...r.b]]),
        [
          [1, '甲', [7, 8]],
          [2, null, [7, 8]],
        ],
      );
      if (db.kind === 'pglite') await assert.rejects(db.query(`SELECT ${FAILING} AS g`), (e) => e instanceof LostResult);
    } finally {
      await close();
    }
  });

  test(`${t.name}: a transaction has the database to itself until it ends`, async () => {
    const { db, close } = await t.open({ catalogue: false });
    try {
      await db.exec(`CREATE TABLE w_tx (n int)`);
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let inserted!: () => void;
      const didInsert = new Promise<void>((r) => (inserted = r));
      const tx = db.transaction(async (q) => {
        await q.query(`INSERT INTO w_tx VALUES (1)`);
        inserted();
        await held;
        await q.query(`INSERT INTO w_tx VALUES (2)`);
      });
      await didInsert;
      // Another caller, while the transaction is open: it must see either nothing or both rows,
      // never the half-done transaction (on PGlite's single session it waits for the end).
      const other = db.query<{ n: number }>(`SELECT count(*)::int AS n FROM w_tx`);
      await timer(100, '');
      release();
      await tx;
      assert.ok([0, 2].includes((await other).rows[0].n), 'no half-done transaction seen');
      // A failing transaction commits nothing and the next one works.
      await assert.rejects(
        db.transaction(async (q) => {
          await q.query(`INSERT INTO w_tx VALUES (3)`);
          await q.query(`SELECT 1 / 0`);
        }),
        (e: Error & { code?: string }) => e.code === '22012',
      );
      assert.equal((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM w_tx`)).rows[0].n, 2);
    } finally {
      await close();
    }
  });

  test(`${t.name}: a request out of time gets its answer at once; the next caller's session is intact`, async () => {
    const { db, close } = await t.open({ catalogue: false });
    try {
      await db.exec(`CREATE TABLE w_ab (n int)`);
      const ctl = new AbortController();
      const ctx = { signal: ctl.signal, timeoutMs: 200, deadline: Date.now() + 60_000 };
      // The request: a transaction that writes, then waits in a long statement, then would write again.
      const request = queryContext.run(ctx, () =>
        db.transaction(async (q) => {
          await q.query(`INSERT INTO w_ab VALUES (1)`);
          await q.query(`SELECT pg_sleep(1.5)`);
          await q.query(`INSERT INTO w_ab VALUES (2)`);
        }),
      );
      // Embedded: a statement of the same request still waiting in the queue behind it is never
      // started. (PostgreSQL has a pool, not a queue: nothing waits there.)
      const queued = db.kind === 'pglite' ? queryContext.run(ctx, () => db.query(`INSERT INTO w_ab VALUES (3)`)) : null;
      const order: string[] = [];
      const answered = request.then(
        () => order.push('committed'),
        (e) => order.push(e instanceof QueryTimeoutError ? 'timeout' : `error ${e}`),
      );
      setTimeout(() => ctl.abort(), 200);
      // The answer comes before the 1.5 s statement could have ended.
      await Promise.race([answered, timer(1200, 'late').then((l) => order.push(l))]);
      assert.deepEqual(order, ['timeout']);
      if (queued) await assert.rejects(queued, QueryTimeoutError);
      // The next caller (no deadline) runs after the abandoned work: nothing of it committed.
      assert.deepEqual((await db.query<{ n: number }>(`SELECT n FROM w_ab ORDER BY n`)).rows, []);
      await db.transaction((q) => q.query(`INSERT INTO w_ab VALUES (4)`));
      assert.deepEqual((await db.query<{ n: number }>(`SELECT n FROM w_ab ORDER BY n`)).rows, [{ n: 4 }]);
    } finally {
      await close();
    }
  });

  test(`${t.name}: the public /health answers while a long transaction (an import) holds the database`, async () => {
    const h = await t.open();
    const app = await buildApp({ db: h.db, config: h.config });
    try {
      const first = await app.inject({ url: '/health' });
      assert.equal(first.statusCode, 200, first.body);
      await timer(1100, ''); // the first reading is no longer fresh: the next poll reads again
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let started!: () => void;
      const inTx = new Promise<void>((r) => (started = r));
      const tx = h.db.transaction(async (q) => {
        await q.query(`SELECT 1`);
        started();
        await held;
      });
      await inTx;
      const order: string[] = [];
      const health = app.inject({ url: '/health' }).then((r) => {
        order.push('health');
        return r;
      });
      await Promise.race([health, timer(1000, 'timer').then((l) => order.push(l))]);
      release();
      await tx;
      const r = await health;
      assert.deepEqual(order[0], 'health', 'answered while the transaction was open');
      assert.equal(r.statusCode, 200);
      assert.equal(r.json().layers, first.json().layers);
      assert.ok(Date.parse(r.json().checkedAt) <= Date.now(), 'says when its figures were read');
    } finally {
      await app.close();
      await h.close();
    }
  });
}
