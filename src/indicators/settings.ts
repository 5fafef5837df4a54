// Settings an administrator changes without code: the default warning bands and floor margin, the
// alert webhook and the city the dashboards report on. Defaults in default-indicators.json;
// stored values override them key by key. Every change is audited.
import type { Db, Queryable } from '../db/index.ts';
import { patchSettings, unknownSettings, type SettingsStore } from '../util/settings.ts';
import * as repo from './indicators.repository.ts';
import { DEFAULTS, checkBands, type WebhookSettings } from './registry.ts';
import type { Bands } from './types.ts';

export interface IndicatorSettings {
  city: { code: string; name: string };
  warning: { bands: Bands; floorMargin: number };
  webhook: WebhookSettings;
}

export async function getSettings(q: Queryable): Promise<IndicatorSettings> {
  const stored = await repo.settings(q);
  const out = structuredClone(DEFAULTS.settings) as unknown as Record<string, Record<string, unknown>>;
  for (const k of ['city', 'warning', 'webhook']) {
    const v = stored.get(k);
    if (v && typeof v === 'object') out[k] = { ...out[k], ...(v as Record<string, unknown>) };
  }
  return out as unknown as IndicatorSettings;
}

function problems(key: string, v: Record<string, unknown>): string[] {
  const p: string[] = [];
  if (key === 'warning') {
    if ('bands' in v) p.push(...checkBands(v.bands, 'warning.bands'));
    if ('floorMargin' in v && !(typeof v.floorMargin === 'number' && v.floorMargin >= 0 && v.floorMargin < 1))
      p.push('warning.floorMargin: a share 0 ≤ x < 1');
  } else if (key === 'webhook') {
    if ('url' in v && v.url !== null) {
      let ok: boolean;
      try {
        ok = typeof v.url === 'string' && ['http:', 'https:'].includes(new URL(v.url).protocol);
      } catch {
        ok = false;
      }
      if (!ok) p.push('webhook.url: an http:// or https:// address, or null');
    }
    if ('enabled' in v && typeof v.enabled !== 'boolean') p.push('webhook.enabled: true or false');
    if ('minLevel' in v && v.minLevel !== 'yellow' && v.minLevel !== 'red') p.push('webhook.minLevel: yellow or red');
    if ('timeoutMs' in v && !(Number.isInteger(v.timeoutMs) && (v.timeoutMs as number) >= 100 && (v.timeoutMs as number) <= 60000))
      p.push('webhook.timeoutMs: 100–60000 milliseconds');
  } else if (key === 'city') {
    if ('code' in v && !(typeof v.code === 'string' && /^[0-9]{6}$/.test(v.code)))
      p.push('city.code: a six-digit GB/T 2260 code such as 330100');
    if ('name' in v && !(typeof v.name === 'string' && v.name.trim())) p.push('city.name: the city name');
  }
  p.push(...unknownSettings(key, v, DEFAULTS.settings));
  return p;
}

const STORE: SettingsStore<IndicatorSettings> = {
  groups: ['city', 'warning', 'webhook'],
  problems,
  read: getSettings,
  write: repo.putSetting,
  action: 'indicators.settings',
  entity: 'indicator_setting',
};

/** Replaces part of one settings group; refused whole when any value is wrong. */
export async function putSettings(db: Db, key: string, value: unknown, user: string): Promise<IndicatorSettings> {
  return db.transaction((tx) => patchSettings(tx, STORE, key, value, user));
}
