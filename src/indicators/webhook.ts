// Optional webhook: each alert raised or escalated by a compute run is POSTed as JSON to the
// configured address (settings.webhook) after the run has committed, so a slow or failing receiver
// never holds the run or rolls it back. The delivery result (HTTP status or error) is kept on the
// alert. One attempt per event; the alert list shows what was not delivered.
import type { WebhookSettings } from './registry.ts';

export interface WebhookEvent {
  event: 'indicator.alert.raised' | 'indicator.alert.escalated';
  alert: Record<string, unknown>;
  sentAt: string;
}

const RANK = { yellow: 1, red: 2 } as const;

export const wantsLevel = (w: WebhookSettings, level: 'yellow' | 'red') => w.enabled && !!w.url && RANK[level] >= RANK[w.minLevel];

/** POSTs one event; returns "HTTP 200" or the error, never throws. */
export async function deliver(w: WebhookSettings, body: WebhookEvent): Promise<string> {
  try {
    const r = await fetch(w.url!, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'onemap-indicators', 'x-onemap-event': body.event },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(w.timeoutMs),
    });
    await r.arrayBuffer().catch(() => undefined);
    return `HTTP ${r.status}`;
  } catch (e) {
    const err = e as Error;
    return `error: ${err.name === 'TimeoutError' ? `no answer within ${w.timeoutMs} ms` : err.message}`;
  }
}
