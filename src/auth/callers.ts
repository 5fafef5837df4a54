// A few seconds of memory per credential (session cookie or API token), so a map drawing 50
// tiles does not run 50 look-ups. One per application (AppContext.callers), never per process:
// the application clears it when users, sessions or tokens change through its database handle
// (db.events.onUsersChanged, wired in buildApp), and other processes' changes reach it within
// the time-to-live.
import type { User } from './types.ts';

export class CallerCache {
  private readonly entries = new Map<string, { user: User | null; until: number }>();

  constructor(
    private readonly ttlMs = 5_000,
    /** Past this many credentials (a flood of bad tokens), start over rather than grow. */
    private readonly maxEntries = 10_000,
  ) {}

  async get(key: string, load: () => Promise<User | null>): Promise<User | null> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit.user;
    const user = await load();
    if (this.entries.size > this.maxEntries) this.entries.clear();
    this.entries.set(key, { user, until: now + this.ttlMs });
    return user;
  }

  clear(): void {
    this.entries.clear();
  }
}
