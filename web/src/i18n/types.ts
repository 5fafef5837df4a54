// The shape of a message catalogue: the shell's (shell.ts) and each area's (pages/<area>/messages.ts).
// A leaf module, so catalogues and the merging in index.ts never import each other.
export type Lang = 'zh' | 'en';
export interface Messages {
  zh: Record<string, string>;
  en: Record<string, string>;
}
