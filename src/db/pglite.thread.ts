// The embedded database's worker thread: PGlite with PostGIS, loaded as in this thread's
// createPglite, answering the requests pglite-worker.ts posts. The thread only runs statements;
// the guard (LostResult), the queue, deadlines and the data-folder lock stay with the caller.
// One transaction at a time: the caller holds its queue while a transaction is open, and
// PGlite's own mutex keeps the order of a transaction's statements.
import { parentPort, workerData } from 'node:worker_threads';
import type { Transaction } from '@electric-sql/pglite';
import { createPglite, runnerOf, type Runner } from './pglite.ts';
import type { Request, Reply, WireError } from './pglite.wire.ts';

const port = parentPort;
if (!port) throw new Error('pglite.thread.ts runs only as a worker thread');
const { dataDir } = workerData as { dataDir?: string };

const ROLLBACK = Symbol('rollback');

/** A PostgreSQL error as plain data: its SQLSTATE and the other fields callers read. */
function wire(e: unknown): WireError {
  const err = e instanceof Error ? e : new Error(String(e));
  const fields: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(err)) if (['string', 'number', 'boolean'].includes(typeof v)) fields[k] = v as string | number;
  return { name: err.name, message: err.message, stack: err.stack, fields };
}

async function main(): Promise<void> {
  const pg = await createPglite(dataDir);
  const top = runnerOf(pg);
  let open: { runner: Runner; commit: () => void; rollback: () => void; done: Promise<unknown> } | null = null;

  const run = async (m: Request): Promise<unknown> => {
    const r = m.tx ? open?.runner : top;
    if (!r) throw new Error('no open transaction in the database thread');
    switch (m.op) {
      case 'query': {
        const res = await r.query(m.sql, m.params, m.blob === undefined ? undefined : { blob: m.blob });
        return { rows: res.rows, command: res.command, affectedRows: res.affectedRows };
      }
      case 'exec': {
        const results = await r.exec(m.sql);
        // Only the last result's field names cross back: all the guard reads.
        const last = results[results.length - 1];
        return last ? [{ fields: last.fields.map((f) => ({ name: f.name })) }] : [];
      }
      case 'begin': {
        if (open) throw new Error('a transaction is already open in the database thread');
        await new Promise<void>((started, failed) => {
          let commit = () => {};
          let rollback = () => {};
          const held = new Promise<void>((res, rej) => {
            commit = res;
            rollback = () => rej(ROLLBACK);
          });
          const done = pg.transaction(async (tx: Transaction) => {
            open = { runner: runnerOf(tx), commit, rollback, done };
            started();
            await held;
          });
          done.catch(failed);
        });
        return null;
      }
      case 'commit':
      case 'rollback': {
        const t = open;
        if (!t) throw new Error('no open transaction in the database thread');
        if (m.op === 'commit') t.commit();
        else t.rollback();
        try {
          await t.done;
        } catch (e) {
          if (e !== ROLLBACK) throw e;
        } finally {
          open = null;
        }
        return null;
      }
      case 'dump': {
        const blob = await pg.dumpDataDir('gzip');
        return new Uint8Array(await blob.arrayBuffer());
      }
      case 'close':
        await pg.close();
        return null;
    }
  };

  port!.on('message', (m: Request) => {
    run(m)
      .then((value) => {
        const reply: Reply = { id: m.id, ok: true, value };
        port!.postMessage(reply, value instanceof Uint8Array ? [value.buffer as ArrayBuffer] : []);
      })
      // A failed statement, or an answer that cannot be cloned: the caller hears it either way.
      .catch((e) => port!.postMessage({ id: m.id, ok: false, error: wire(e) } satisfies Reply));
  });
  port!.postMessage({ id: 0, ok: true, value: 'ready' } satisfies Reply);
}

main().catch((e) => port.postMessage({ id: 0, ok: false, error: wire(e) } satisfies Reply));
