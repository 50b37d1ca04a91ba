import { describe, expect, it } from 'vitest';
import rulesFile from '../../../review/rules.json';
import { detectLang, format, i18n, locales, pick, ruleName, t } from './i18n.svelte';

describe('detectLang', () => {
  const cases: { name: string; stored: string | null; preferred: string[]; want: 'ja' | 'en' }[] = [
    { name: 'Japanese browser', stored: null, preferred: ['ja-JP', 'en-US'], want: 'ja' },
    { name: 'plain ja', stored: null, preferred: ['ja'], want: 'ja' },
    { name: 'English browser', stored: null, preferred: ['en-GB'], want: 'en' },
    { name: 'first known language wins', stored: null, preferred: ['fr-FR', 'ja', 'en'], want: 'ja' },
    { name: 'unknown languages fall back to English', stored: null, preferred: ['de', 'fr'], want: 'en' },
    { name: 'no preference', stored: null, preferred: [], want: 'en' },
    { name: 'the stored choice beats the browser', stored: 'en', preferred: ['ja-JP'], want: 'en' },
    { name: 'a corrupt stored value is ignored', stored: 'xx', preferred: ['ja-JP'], want: 'ja' },
  ];
  for (const c of cases) it(c.name, () => expect(detectLang(c.stored, c.preferred)).toBe(c.want));
});

describe('locale files', () => {
  const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

  it('have the same keys', () => {
    expect(Object.keys(locales.en).sort()).toEqual(Object.keys(locales.ja).sort());
  });

  it('have no empty strings and the same placeholders in both languages', () => {
    for (const key of Object.keys(locales.ja) as (keyof typeof locales.ja)[]) {
      expect(locales.ja[key].trim(), `ja ${key}`).not.toBe('');
      expect(locales.en[key].trim(), `en ${key}`).not.toBe('');
      expect(placeholders(locales.en[key]), `placeholders of ${key}`).toEqual(placeholders(locales.ja[key]));
    }
  });
});

describe('t and pick', () => {
  it('follow the chosen language', () => {
    i18n.lang = 'ja';
    expect(t('action.accept')).toBe('承認');
    expect(pick({ ja: '一人称', en: 'First person' })).toBe('一人称');
    i18n.lang = 'en';
    expect(t('action.accept')).toBe('Accept');
    expect(pick({ ja: '一人称', en: 'First person' })).toBe('First person');
    expect(pick({ ja: '一人称', en: '' })).toBe('一人称');
  });

  it('fill placeholders and leave unknown ones visible', () => {
    expect(format('{from}–{to} / {total}', { from: 1, to: 50, total: '100,000' })).toBe('1–50 / 100,000');
    expect(format('{who} {what}', { who: 'sato' })).toBe('sato {what}');
    i18n.lang = 'ja';
    expect(t('queue.count', { from: 1, to: 50, total: 200 })).toBe('1–50件目 / 全200件');
  });
});

describe('ruleName', () => {
  it('names every default rule in both languages', () => {
    for (const r of rulesFile.rules) {
      for (const lang of ['ja', 'en'] as const) {
        i18n.lang = lang;
        expect(ruleName(r.id), `${lang} ${r.id}`).not.toBe(r.id);
      }
    }
    i18n.lang = 'ja';
    expect(ruleName('slogan')).toBe('スローガン・理念');
  });

  it('keeps the id of a rule it does not know', () => {
    expect(ruleName('house_style')).toBe('house_style');
    expect(ruleName('toString')).toBe('toString');
  });
});
