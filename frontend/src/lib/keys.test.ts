import { describe, expect, it } from 'vitest';
import { actionFor, isEditable, shortcuts, type KeyInput, type Mode } from './keys';
import { locales } from './i18n.svelte';

describe('actionFor', () => {
  const cases: { name: string; mode: Mode; key: KeyInput; want: string | null; index?: number }[] = [
    { name: 'A accepts', mode: 'view', key: { key: 'a' }, want: 'accept' },
    { name: 'A with caps lock or shift accepts', mode: 'view', key: { key: 'A', shiftKey: true }, want: 'accept' },
    { name: 'E edits', mode: 'view', key: { key: 'e' }, want: 'edit' },
    { name: 'R rejects', mode: 'view', key: { key: 'r' }, want: 'reject' },
    { name: 'S skips', mode: 'view', key: { key: 's' }, want: 'skip' },
    { name: 'U undoes', mode: 'view', key: { key: 'u' }, want: 'undo' },
    { name: 'Ctrl+Z undoes', mode: 'view', key: { key: 'z', ctrlKey: true }, want: 'undo' },
    { name: 'Cmd+Z undoes', mode: 'view', key: { key: 'z', metaKey: true }, want: 'undo' },
    { name: 'Ctrl+Shift+Z is not undo', mode: 'view', key: { key: 'Z', ctrlKey: true, shiftKey: true }, want: null },
    { name: 'K goes back', mode: 'view', key: { key: 'k' }, want: 'prev' },
    { name: 'J goes on', mode: 'view', key: { key: 'j' }, want: 'next' },
    { name: 'F asks the copilot for a fix', mode: 'view', key: { key: 'f' }, want: 'suggest' },
    { name: 'L does nothing any more', mode: 'view', key: { key: 'l' }, want: null },
    { name: 'H shows the history', mode: 'view', key: { key: 'h' }, want: 'history' },
    { name: 'T does nothing without a suggestion', mode: 'view', key: { key: 't' }, want: null },
    { name: '1 marks the first checklist criterion', mode: 'view', key: { key: '1' }, want: 'check', index: 0 },
    { name: '9 marks the ninth checklist criterion', mode: 'view', key: { key: '9' }, want: 'check', index: 8 },
    { name: '0 is not a checklist key', mode: 'view', key: { key: '0' }, want: null },
    { name: '? shows the shortcuts', mode: 'view', key: { key: '?', shiftKey: true }, want: 'help' },
    { name: 'Ctrl+R stays the browser reload', mode: 'view', key: { key: 'r', ctrlKey: true }, want: null },
    { name: 'Alt+A is not accept', mode: 'view', key: { key: 'a', altKey: true }, want: null },
    { name: 'unknown letters do nothing', mode: 'view', key: { key: 'x' }, want: null },
    { name: 'letters in a text field do nothing', mode: 'view', key: { key: 'a', editable: true }, want: null },
    { name: 'Ctrl+Z in a text field is the field’s own undo', mode: 'view', key: { key: 'z', ctrlKey: true, editable: true }, want: null },
    { name: 'an IME composition fires nothing', mode: 'view', key: { key: 'a', isComposing: true }, want: null },
    { name: 'IME process key fires nothing', mode: 'view', key: { key: 'Process' }, want: null },

    { name: 'typing in the editor fires nothing', mode: 'edit', key: { key: 'a', editable: true }, want: null },
    { name: 'Ctrl+Enter saves the edit', mode: 'edit', key: { key: 'Enter', ctrlKey: true, editable: true }, want: 'save' },
    { name: 'Cmd+Enter saves the edit', mode: 'edit', key: { key: 'Enter', metaKey: true, editable: true }, want: 'save' },
    { name: 'Enter alone is a new line', mode: 'edit', key: { key: 'Enter', editable: true }, want: null },
    { name: 'Esc cancels the edit', mode: 'edit', key: { key: 'Escape', editable: true }, want: 'cancel' },
    { name: 'Ctrl+Shift+F asks the copilot about the edit', mode: 'edit', key: { key: 'F', ctrlKey: true, shiftKey: true, editable: true }, want: 'suggest' },
    { name: 'F in the editor is a letter', mode: 'edit', key: { key: 'f', editable: true }, want: null },
    { name: 'Ctrl+F in the editor is the browser’s find', mode: 'edit', key: { key: 'f', ctrlKey: true, editable: true }, want: null },
    { name: 'Esc while composing belongs to the IME', mode: 'edit', key: { key: 'Escape', isComposing: true }, want: null },
    { name: 'Ctrl+Enter while composing belongs to the IME', mode: 'edit', key: { key: 'Enter', ctrlKey: true, isComposing: true }, want: null },

    { name: '1 toggles the first reason', mode: 'reject', key: { key: '1' }, want: 'toggle', index: 0 },
    { name: '9 toggles the ninth reason', mode: 'reject', key: { key: '9' }, want: 'toggle', index: 8 },
    { name: '0 toggles the tenth reason', mode: 'reject', key: { key: '0' }, want: 'toggle', index: 9 },
    { name: 'digits typed in the comment stay text', mode: 'reject', key: { key: '1', editable: true }, want: null },
    { name: 'Enter confirms', mode: 'reject', key: { key: 'Enter' }, want: 'confirm' },
    { name: 'Enter in the comment confirms', mode: 'reject', key: { key: 'Enter', editable: true }, want: 'confirm' },
    { name: 'Esc goes back', mode: 'reject', key: { key: 'Escape' }, want: 'cancel' },
    { name: 'A does not accept behind the dialog', mode: 'reject', key: { key: 'a' }, want: null },

    { name: 'Esc drops the suggestion', mode: 'suggest', key: { key: 'Escape' }, want: 'cancel' },
    { name: 'Enter takes the suggestion', mode: 'suggest', key: { key: 'Enter' }, want: 'take' },
    { name: 'T takes the suggestion', mode: 'suggest', key: { key: 't' }, want: 'take' },
    { name: 'Ctrl+Enter is not take', mode: 'suggest', key: { key: 'Enter', ctrlKey: true }, want: null },
    { name: 'E edits the suggestion further', mode: 'suggest', key: { key: 'e' }, want: 'edit' },
    { name: 'J moves on past the suggestion', mode: 'suggest', key: { key: 'j' }, want: 'next' },
    { name: 'A accepts the original past the suggestion', mode: 'suggest', key: { key: 'a' }, want: 'accept' },
    { name: 'F asks again', mode: 'suggest', key: { key: 'f' }, want: 'suggest' },
    { name: 'a suggestion is not taken while composing', mode: 'suggest', key: { key: 'Enter', isComposing: true }, want: null },

    { name: 'Esc closes the history', mode: 'history', key: { key: 'Escape' }, want: 'cancel' },
    { name: 'H closes the history', mode: 'history', key: { key: 'h' }, want: 'cancel' },
    { name: 'A closes the history without accepting', mode: 'history', key: { key: 'a' }, want: 'cancel' },

    { name: 'Esc closes the shortcut list', mode: 'help', key: { key: 'Escape' }, want: 'cancel' },
    { name: '? closes the shortcut list', mode: 'help', key: { key: '?' }, want: 'cancel' },
    { name: 'A closes the list without accepting', mode: 'help', key: { key: 'a' }, want: 'cancel' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = actionFor(c.key, c.mode);
      expect(got?.name ?? null).toBe(c.want);
      if (c.index !== undefined) expect(got?.index).toBe(c.index);
    });
  }
});

describe('isEditable', () => {
  const cases: { name: string; target: unknown; want: boolean }[] = [
    { name: 'textarea', target: { tagName: 'TEXTAREA' }, want: true },
    { name: 'text input', target: { tagName: 'INPUT', type: 'text' }, want: true },
    { name: 'search input', target: { tagName: 'INPUT', type: 'search' }, want: true },
    { name: 'password input', target: { tagName: 'INPUT', type: 'password' }, want: true },
    { name: 'checkbox', target: { tagName: 'INPUT', type: 'checkbox' }, want: false },
    { name: 'select', target: { tagName: 'SELECT' }, want: true },
    { name: 'contenteditable', target: { tagName: 'DIV', isContentEditable: true }, want: true },
    { name: 'a hint mark', target: { tagName: 'MARK' }, want: false },
    { name: 'a button', target: { tagName: 'BUTTON' }, want: false },
    { name: 'no target', target: null, want: false },
    { name: 'the window', target: {}, want: false },
  ];
  for (const c of cases) it(c.name, () => expect(isEditable(c.target as EventTarget | null)).toBe(c.want));
});

describe('shortcuts list', () => {
  it('labels every shortcut in both languages', () => {
    for (const s of shortcuts) {
      expect(locales.ja[s.label]).toBeTruthy();
      expect(locales.en[s.label]).toBeTruthy();
    }
  });

  it('lists every letter the review screen answers to', () => {
    const listed = new Set(shortcuts.flatMap((s) => s.keys).map((k) => k.toLowerCase()));
    for (const letter of 'abcdefghijklmnopqrstuvwxyz') {
      if (actionFor({ key: letter }, 'view')) expect(listed.has(letter), `${letter} is in the ? list`).toBe(true);
    }
  });
});
