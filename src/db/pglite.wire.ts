// The messages between pglite-worker.ts (the caller's thread) and pglite.thread.ts (the database
// thread). Everything in them survives structured cloning: rows, parameters (Dates, byte arrays,
// JSON values) and errors as plain data.

export type Request = { id: number; tx?: boolean } & (
  | { op: 'query'; sql: string; params?: unknown[]; blob?: string }
  | { op: 'exec'; sql: string }
  | { op: 'begin' | 'commit' | 'rollback' | 'dump' | 'close' }
);

/** An error from the database thread: name, message and the PostgreSQL fields (code = SQLSTATE, …). */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
  fields: Record<string, string | number | boolean>;
}

export type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WireError };
