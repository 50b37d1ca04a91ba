import { describe, expect, it } from 'vitest';
import errorGo from '../../../review/error.go?raw';
import { ApiError } from './api';
import { explain, explainCode, explainText } from './errors';
import { has, i18n } from './i18n.svelte';

describe('explain', () => {
  it('words every error code the server has', () => {
    const block = errorGo.slice(errorGo.indexOf('const ('), errorGo.indexOf(')', errorGo.indexOf('const (')));
    const codes = [...block.matchAll(/=\s*"(\w+)"/g)].map((m) => m[1]);
    expect(codes).toContain('rate_limited');
    for (const c of codes) expect(has(`error.${c}`), `error.${c}`).toBe(true);
  });

  it('says it in the UI language and keeps the server message as the detail', () => {
    i18n.lang = 'ja';
    const e = new ApiError(409, 'conflict', 'item 7 changed since you opened it');
    expect(explain(e)).toEqual({ text: '他の変更と衝突しました。', detail: 'item 7 changed since you opened it' });
    expect(explainText(e)).toBe('他の変更と衝突しました。（item 7 changed since you opened it）');
    i18n.lang = 'en';
    expect(explainText(e)).toBe('This conflicts with another change. (item 7 changed since you opened it)');
  });

  it('falls back for codes, failures and values it does not know', () => {
    i18n.lang = 'ja';
    expect(explain(new ApiError(418, 'teapot', 'short and stout'))).toEqual({ text: '予期しないエラーが起きました。', detail: 'short and stout' });
    expect(explain(new TypeError('Failed to fetch')).text).toBe('サーバーに接続できません。');
    expect(explain('open /x: permission denied').detail).toBe('open /x: permission denied');
    expect(explainCode('invalid', '')).toEqual({ text: '入力内容に誤りがあります。', detail: '' });
  });
});
