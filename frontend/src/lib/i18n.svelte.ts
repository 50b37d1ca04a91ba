// The UI language: Japanese when the OS or browser prefers it, English otherwise, and the reviewer's choice from
// Settings once made. Every visible string comes from the locale files through t().

import { ja } from '../locales/ja';
import { en } from '../locales/en';
import type { Message } from './api';

export type Lang = 'ja' | 'en';
export type MessageKey = keyof typeof ja;

export const locales: Record<Lang, Record<MessageKey, string>> = { ja, en };

const storageKey = 'reviewdesk.lang';

/** The language to start in: a stored choice, else the first of the preferred languages we have. */
export function detectLang(stored: string | null, preferred: readonly string[]): Lang {
  if (stored === 'ja' || stored === 'en') return stored;
  for (const p of preferred) {
    const base = p.toLowerCase().split('-')[0];
    if (base === 'ja') return 'ja';
    if (base === 'en') return 'en';
  }
  return 'en';
}

/** Fills {name} placeholders; a missing value leaves the placeholder visible rather than printing "undefined". */
export function format(s: string, params?: Record<string, string | number>): string {
  if (!params) return s;
  return s.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // storage can be blocked
  }
}

function initialLang(): Lang {
  const nav = globalThis.navigator;
  const preferred = nav ? (nav.languages?.length ? nav.languages : [nav.language]) : [];
  return detectLang(storage()?.getItem(storageKey) ?? null, preferred);
}

let current = $state<Lang>(initialLang());

export const i18n = {
  get lang(): Lang {
    return current;
  },
  set lang(l: Lang) {
    current = l;
    storage()?.setItem(storageKey, l);
    if (globalThis.document) document.documentElement.lang = l;
  },
};

export function t(key: MessageKey, params?: Record<string, string | number>): string {
  return format(locales[current][key], params);
}

/** A server message with both languages (hint messages, reason labels), in the UI language. */
export function pick(m: Message | undefined): string {
  if (!m) return '';
  return (current === 'ja' ? m.ja || m.en : m.en || m.ja) ?? '';
}

/** Whether the UI has a string for key: for keys made from server codes (rule ids, error codes, job steps). */
export function has(key: string): key is MessageKey {
  return Object.hasOwn(locales[current], key);
}

/** A hint rule's name in the UI language; a rule the locale files do not know (a supervisor's own) keeps its id. */
export function ruleName(id: string): string {
  const key = `rule.${id}`;
  return has(key) ? t(key) : id;
}

export function num(n: number, digits = 0): string {
  return n.toLocaleString(current === 'ja' ? 'ja-JP' : 'en-US', { maximumFractionDigits: digits });
}
