// The checks every settings group (farmland, indicators) puts a change through before anything is
// written: the group exists, the change is an object, and each value is right; refused whole with
// every problem named otherwise. Then the change is merged into the group and audited.
import type { Queryable } from '../db/index.ts';
import { appendAudit } from '../audit/audit.ts';
import { Invalid, NotFound } from '../errors.ts';

/** The change to settings group `key`, or NotFound / Invalid (code invalid_settings, every problem listed). */
export function checkSettingsPatch(
  key: string,
  value: unknown,
  groups: string[],
  problems: (key: string, v: Record<string, unknown>) => string[],
): Record<string, unknown> {
  if (!groups.includes(key)) throw new NotFound(`没有这个设置组 (unknown settings group "${key}"; known: ${groups.join(', ')})`);
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new Invalid(`设置 ${key} 必须是 JSON 对象 (settings ${key} must be an object)`);
  const p = problems(key, value as Record<string, unknown>);
  if (p.length) throw new Invalid(`设置无效 (invalid settings): ${p.join('; ')}`, { code: 'invalid_settings', problems: p });
  return value as Record<string, unknown>;
}

/** A problem for each setting of the change that group `key` of `defaults` does not have. */
export function unknownSettings(key: string, v: Record<string, unknown>, defaults: object): string[] {
  const known = Object.keys((defaults as Record<string, Record<string, unknown>>)[key] ?? {});
  return Object.keys(v)
    .filter((k) => !known.includes(k))
    .map((k) => `${key}.${k}: unknown setting (known: ${known.join(', ')})`);
}

/** A module's settings: its groups, their checks, where they are stored and how a change is audited. */
export interface SettingsStore<S> {
  groups: string[];
  problems: (key: string, v: Record<string, unknown>) => string[];
  /** The settings as they stand: defaults overridden by the stored values. */
  read: (q: Queryable) => Promise<S>;
  write: (q: Queryable, key: string, value: unknown, user: string) => Promise<void>;
  /** Audit action and entity, e.g. farmland.settings on farmland_setting. */
  action: string;
  entity: string;
}

/** Replaces part of settings group `key` (checked whole first), audits it and returns the settings after. */
export async function patchSettings<S>(q: Queryable, store: SettingsStore<S>, key: string, value: unknown, user: string): Promise<S> {
  checkSettingsPatch(key, value, store.groups, store.problems);
  const before = ((await store.read(q)) as Record<string, object>)[key];
  const merged = { ...before, ...(value as object) };
  await store.write(q, key, merged, user);
  await appendAudit(q, { actor: user, action: store.action, entity: store.entity, entityId: key, before, after: merged });
  return store.read(q);
}
