// A small own i18n: Chinese by default, English on request. Each area keeps its messages in
// web/src/pages/<area>/messages.ts (the shell's in ./shell.ts); they are merged here at build time,
// so a helper adding a page never edits a shared catalogue. Keys are namespaced by area
// ('viewer.layers', 'review.submit', …) so two areas cannot collide.
import { ref } from 'vue';
import { shell } from './shell.ts';
import type { Lang, Messages } from './types.ts';

export type { Lang, Messages };

const areaFiles = import.meta.glob<{ messages: Messages }>('../pages/*/messages.ts', { eager: true });
const all: Messages = { zh: { ...shell.zh }, en: { ...shell.en } };
for (const [file, mod] of Object.entries(areaFiles)) {
  for (const lang of ['zh', 'en'] as const) {
    for (const [k, v] of Object.entries(mod.messages?.[lang] ?? {})) {
      if (import.meta.env.DEV && k in all[lang]) console.warn(`i18n: ${file} redefines "${k}"`);
      all[lang][k] = v;
    }
  }
}

const stored = typeof localStorage !== 'undefined' ? localStorage.getItem('onemap.lang') : null;
export const lang = ref<Lang>(stored === 'en' ? 'en' : 'zh');

export function setLang(l: Lang): void {
  lang.value = l;
  localStorage.setItem('onemap.lang', l);
  document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
}

/**
 * The message for `key` in the current language, falling back to Chinese, then to the key itself
 * (a missing message shows up on screen instead of an empty label). `{name}` placeholders are
 * replaced from `params`.
 */
export function t(key: string, params?: Record<string, string | number>): string {
  const s = all[lang.value][key] ?? all.zh[key] ?? key;
  return params ? s.replace(/\{(\w+)\}/g, (m, p: string) => (p in params ? String(params[p]) : m)) : s;
}

/** True when a message exists (for optional labels such as a layer class name). */
export const hasMessage = (key: string): boolean => key in all.zh;
