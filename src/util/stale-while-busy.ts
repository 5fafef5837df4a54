// A value read from the database that may be answered from its last reading while a new one is
// on its way (issue 22 item 2). The embedded database is one session: while an import's
// transaction holds it (minutes for 200,000 features) every reader waits, /health included, and a
// monitor polling /health sees a dead server. So /health answers at once with the figures of its
// last reading — stamped with when that was, so a monitor can judge their age — and starts one
// new reading; the next poll after that reading ends gets the new figures.
// A reading that fails drops the old one, so the next caller waits for the database and sees the
// failure: a database that no longer answers is never hidden behind old figures.

export class StaleWhileBusy<T> {
  private last: { at: number; value: T } | null = null;
  private reading: Promise<T> | null = null;

  /** `freshMs`: a reading younger than this is answered without asking the database again. */
  constructor(
    private readonly read: () => Promise<T>,
    private readonly freshMs = 1000,
  ) {}

  /** The value and the time it was read (ms since the epoch). */
  async get(): Promise<{ value: T; at: number }> {
    const last = this.last;
    if (last && Date.now() - last.at < this.freshMs) return last;
    const reading = (this.reading ??= this.read().then(
      (value) => {
        this.last = { at: Date.now(), value };
        this.reading = null;
        return value;
      },
      (e) => {
        this.last = null;
        this.reading = null;
        throw e;
      },
    ));
    if (last) {
      reading.catch(() => {}); // the failure reaches the next caller, who waits for the database
      return last;
    }
    const value = await reading;
    return { value, at: this.last?.at ?? Date.now() };
  }

  /** Forgets the last reading (the figures it holds changed). */
  clear(): void {
    this.last = null;
  }
}
