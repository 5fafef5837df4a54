// Notices of what was committed through one database handle, for in-memory caches built over it:
//  - a layer has a new active version (an import, a rollback): caches keyed by layer version
//    (vector tiles, collection extents) drop stale entries at once instead of waiting for their
//    time-to-live;
//  - users, sessions or tokens changed (a role, a deactivation, a logout, a revoked token): the
//    caller cache of every application on this handle forgets who was signed in.
// The notices belong to the handle (openDb makes one per handle), not to the process: two
// applications on two databases in one process (tests build many) never hear each other, and
// every application on the same handle hears the writes made through it. On PostgreSQL the
// notices also travel between processes on the same database (LISTEN/NOTIFY, postgres.ts): a
// second application server drops its tile cache and forgets signed-in callers at once (issue 22
// item 10); the caches' short re-check intervals remain as a safety net.

export interface LayerChange {
  code: string;
  layerId: number;
  version: number | null;
}

type Listener<T> = (v: T) => void;

class Channel<T> {
  private readonly listeners = new Set<Listener<T>>();
  emit(v: T): void {
    for (const fn of [...this.listeners]) fn(v);
  }
  /** Subscribes; returns the unsubscribe function (call it when the cache is closed). */
  on(fn: Listener<T>): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}

/** A notice as it travels between processes. */
export type Notice = { kind: 'layer'; change: LayerChange } | { kind: 'users' };

export class DbEvents {
  private readonly layers = new Channel<LayerChange>();
  private readonly users = new Channel<void>();

  /** `publish`: sends this handle's notices to other processes (PostgreSQL), fire and forget. */
  constructor(private readonly publish?: (n: Notice) => void) {}

  /** A notice from another process: heard like a local one, not sent on again. */
  receive(n: Notice): void {
    if (n.kind === 'layer') this.layers.emit(n.change);
    else this.users.emit();
  }

  /** After COMMIT of a new active version of a layer. */
  layerChanged(c: LayerChange): void {
    this.layers.emit(c);
    this.publish?.({ kind: 'layer', change: c });
  }
  onLayerChanged(fn: (c: LayerChange) => void): () => void {
    return this.layers.on(fn);
  }

  /** After COMMIT of a change to users, sessions or API tokens. */
  usersChanged(): void {
    this.users.emit();
    this.publish?.({ kind: 'users' });
  }
  onUsersChanged(fn: () => void): () => void {
    return this.users.on(fn);
  }
}
