// Token bucket per client address: `perMinute` requests, refilled continuously. Used by the guard
// for anonymous callers (auth/guard.ts): the public portal must not starve the bureau's own staff.
export class RateLimiter {
  private buckets = new Map<string, { tokens: number; at: number }>();
  constructor(private readonly perMinute: number) {}

  /** Seconds to wait, or 0 when the request may pass. */
  take(key: string, now = Date.now()): number {
    if (!this.perMinute) return 0;
    const rate = this.perMinute / 60_000;
    const b = this.buckets.get(key) ?? { tokens: this.perMinute, at: now };
    b.tokens = Math.min(this.perMinute, b.tokens + (now - b.at) * rate);
    b.at = now;
    if (this.buckets.size > 50_000) this.buckets.clear(); // a flood of addresses: start over rather than grow
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - b.tokens) / rate / 1000);
  }
}
