// Farmland settings an administrator changes without code (domain.md §7 "configurable"): stored
// per key in farmland_setting, defaults here. Every change is audited.
import type { Queryable } from '../db/index.ts';
import { patchSettings, unknownSettings, type SettingsStore } from '../util/settings.ts';
import * as repo from './farmland.repository.ts';

export interface FarmlandSettings {
  /** Layer codes of the three 多田套合 layers (domain.md §3 default codes). */
  taohe: { yjjbnt: string; gbznt: string; lsscgnq: string; minPatchM2: number; resultLayer: string };
  patrol: {
    /**
     * 多违合一: a new alert joins an open case when it overlaps the case's spot or lies within this
     * distance of it (metres, ellipsoidal). 30 m ≈ the positioning error of a tower camera's
     * view-to-ground projection; a remote-sensing change polygon usually overlaps outright.
     */
    mergeDistanceM: number;
    /** Days allowed per step (calendar days, China Standard Time). */
    deadlines: { assign: number; verify: number; decide: number; rectify: number };
    /** An open case is "due soon" this many days before its deadline. */
    warnDaysBefore: number;
  };
}

// Deadlines: 浙江省“天巡地查”耕地智保场景 asks for discovery-to-verification "第一时间" (seed 002
// 一（七）四); the day counts below are the bureau's working defaults, not statutory numbers.
export const DEFAULT_SETTINGS: FarmlandSettings = {
  taohe: { yjjbnt: 'YJJBNT', gbznt: 'GBZNT', lsscgnq: 'LSSCGNQ', minPatchM2: 1, resultLayer: 'DTTH_QS' },
  patrol: { mergeDistanceM: 30, deadlines: { assign: 1, verify: 3, decide: 2, rectify: 30 }, warnDaysBefore: 1 },
};

export async function getSettings(q: Queryable): Promise<FarmlandSettings> {
  const out = structuredClone(DEFAULT_SETTINGS) as unknown as Record<string, Record<string, unknown>>;
  for (const r of await repo.settingRows(q)) {
    if (r.key in out && r.value && typeof r.value === 'object') out[r.key] = { ...out[r.key], ...(r.value as Record<string, unknown>) };
  }
  return out as unknown as FarmlandSettings;
}

function problems(key: string, v: Record<string, unknown>): string[] {
  const p: string[] = [];
  const posNum = (name: string, x: unknown) => {
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) p.push(`${key}.${name}: must be a number ≥ 0`);
  };
  if (key === 'patrol') {
    if ('mergeDistanceM' in v) posNum('mergeDistanceM', v.mergeDistanceM);
    if ('warnDaysBefore' in v) posNum('warnDaysBefore', v.warnDaysBefore);
    if ('deadlines' in v) {
      const d = v.deadlines as Record<string, unknown>;
      for (const k of ['assign', 'verify', 'decide', 'rectify'])
        if (!d || !Number.isInteger(d[k]) || (d[k] as number) < 0) p.push(`${key}.deadlines.${k}: whole number of days ≥ 0 required`);
    }
  } else if (key === 'taohe') {
    if ('minPatchM2' in v) posNum('minPatchM2', v.minPatchM2);
    for (const k of ['yjjbnt', 'gbznt', 'lsscgnq', 'resultLayer'])
      if (k in v && (typeof v[k] !== 'string' || !/^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(v[k] as string))) p.push(`${key}.${k}: a layer code`);
  }
  p.push(...unknownSettings(key, v, DEFAULT_SETTINGS));
  return p;
}

const STORE: SettingsStore<FarmlandSettings> = {
  groups: Object.keys(DEFAULT_SETTINGS),
  problems,
  read: getSettings,
  write: repo.putSetting,
  action: 'farmland.settings',
  entity: 'farmland_setting',
};

/** Replaces part of one settings group; refused (nothing written) when any value is wrong. */
export async function putSettings(q: Queryable, key: string, value: unknown, user: string): Promise<FarmlandSettings> {
  return patchSettings(q, STORE, key, value, user);
}
