// Embedded PGlite in a worker thread (issue 22 item 2), behind the same Db as every other adapter.
// In this thread PGlite's WASM blocked the event loop for as long as a statement ran: one measure
// of a 10,000-vertex polygon froze every request for 17 s and a 200k import froze /health for up to
// 19 s. Here the statements run in pglite.thread.ts and this thread only posts and awaits them.
//
// - One queue: a statement, or a whole transaction (BEGIN … COMMIT/ROLLBACK), has the database
//   thread to itself until it ends; other callers wait in order, as they did on PGlite's mutex.
// - The guard of decision 0008 (LostResult) runs here over the thread's raw answers (pglite.ts).
// - Errors cross as plain data and are rebuilt with their PostgreSQL fields (code = SQLSTATE,
//   detail, constraint, …), so the HTTP error mapping and the GEOS retries see what they saw.
// - Deadlines: a request that runs out of time, or whose client goes away (server/limits.ts),
//   gets its answer at once. A statement still waiting in the queue is never started. PGlite
//   cannot interrupt a statement that is already running in WASM: that one runs to its end in the
//   database thread, holding the queue, and its result is dropped; inside a transaction the caller's
//   throw then rolls the transaction back after it. The next caller's session is never affected:
//   it starts only after the abandoned statement and its transaction have ended.
import { Worker } from 'node:worker_threads';
import { mkdirSync } from 'node:fs';
import type { Db, Queryable } from './types.ts';
import { DbEvents } from './events.ts';
import { cancelled, checkDeadline, queryContext } from './context.ts';
import { guarded, type Runner } from './pglite.ts';
import { lockDataDir } from './lock.ts';
import type { Reply, Request, WireError } from './pglite.wire.ts';

type Op = Request extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

/** An error from the database thread, rebuilt: same name, message and PostgreSQL fields. */
function rebuild(w: WireError): Error {
  const e = new Error(w.message) as Error & Record<string, unknown>;
  Object.assign(e, w.fields);
  e.name = w.name;
  if (w.stack) e.stack = `${e.stack}\n    --- in the database thread:\n${w.stack}`;
  return e;
}

/** Rejects with the request's timeout as soon as its signal aborts; otherwise follows `p`. */
function abandonable<T>(p: Promise<T>): Promise<T> {
  const ctx = queryContext.getStore();
  if (!ctx) return p;
  if (ctx.signal.aborted) {
    p.catch(() => {});
    return Promise.reject(cancelled(ctx));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      p.catch(() => {}); // its outcome no longer has a reader
      reject(cancelled(ctx));
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => ctx.signal.removeEventListener('abort', onAbort));
  });
}

class Thread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private next = 1;
  private dead: Error | null = null;
  /** The queue: settles when the thread is free for the next statement or transaction. */
  private tail: Promise<unknown> = Promise.resolve();
  readonly ready: Promise<void>;

  constructor(dataDir: string | undefined) {
    this.worker = new Worker(new URL('./pglite.thread.mjs', import.meta.url), { workerData: { dataDir } });
    this.ready = new Promise((resolve, reject) => this.pending.set(0, { resolve: () => resolve(), reject }));
    this.worker.on('message', (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      this.keepAlive();
      if (m.ok) p.resolve(m.value);
      else p.reject(rebuild(m.error));
    });
    const fail = (e: Error) => {
      this.dead = e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
      this.keepAlive();
    };
    this.worker.on('error', (e) =>
      fail(new Error(`嵌入式数据库线程出错 (the embedded database thread failed): ${e.message}`, { cause: e })),
    );
    this.worker.on('exit', (code) => fail(new Error(`嵌入式数据库线程已退出 (the embedded database thread exited, code ${code})`)));
  }

  /** The thread keeps the process alive only while a caller waits for it (as a socket would). */
  private keepAlive(): void {
    if (this.pending.size > 0) this.worker.ref();
    else this.worker.unref();
  }

  /** Posts one request and resolves with the thread's answer (not abandonable by itself). */
  post<T>(op: Op): Promise<T> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.keepAlive();
      try {
        this.worker.postMessage({ ...op, id } as Request);
      } catch (e) {
        // A parameter that cannot be cloned (a function, a class with private state).
        this.pending.delete(id);
        this.keepAlive();
        reject(e as Error);
      }
    });
  }

  /** Runs `fn` when the thread is free; the next caller starts only after it has settled. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn);
    this.tail = run.catch(() => {});
    return run;
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

/** Statements posted to the thread: `tx` ones inside the open transaction, others through the queue. */
function runner(t: Thread, tx: boolean): Runner {
  const send = <T>(op: Op): Promise<T> => {
    // A statement still queued when its request runs out of time is never started.
    const done = tx ? t.post<T>({ ...op, tx }) : t.exclusive(() => (checkDeadline(), t.post<T>(op)));
    return abandonable(done);
  };
  return {
    query: (sql, params, opts) => {
      const blob = opts?.blob;
      if (blob !== undefined && typeof blob !== 'string') throw new TypeError('COPY text crosses to the database thread as a string');
      return send({ op: 'query', sql, params, blob });
    },
    exec: (sql) => send({ op: 'exec', sql }),
  };
}

export async function openPgliteWorker(dataDir: string | undefined): Promise<Db> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // One process per data folder (lock.ts): this process holds it for its database thread.
  const release = dataDir ? lockDataDir(dataDir) : () => {};
  const t = new Thread(dataDir);
  try {
    await t.ready;
  } catch (e) {
    await t.terminate();
    release();
    throw e;
  }
  const txQueryable: Queryable = guarded(runner(t, true));
  return {
    kind: 'pglite',
    events: new DbEvents(),
    ...guarded(runner(t, false)),
    async transaction(fn) {
      checkDeadline();
      // The transaction holds the queue from BEGIN to COMMIT or ROLLBACK; a request that runs out
      // of time while waiting for it, or in its middle, gets its answer at once (its next
      // statement is then refused and the transaction rolls back).
      const run = t.exclusive(async () => {
        checkDeadline();
        await t.post({ op: 'begin' });
        let out;
        try {
          out = await fn(txQueryable);
        } catch (e) {
          // Waits for a statement still running in the thread, then rolls back.
          await t.post({ op: 'rollback' }).catch(() => {});
          throw e;
        }
        await t.post({ op: 'commit' });
        return out;
      });
      return abandonable(run);
    },
    dumpDataDir: async () => {
      const bytes = await t.exclusive(() => t.post<Uint8Array<ArrayBuffer>>({ op: 'dump' }));
      return new Blob([bytes]);
    },
    close: async () => {
      try {
        await t.exclusive(() => t.post({ op: 'close' }));
      } finally {
        await t.terminate();
        release();
      }
    },
  };
}
