// Keyboard shortcuts of the review screen, as a pure function of the key and what the screen is doing, so that the
// rules (letters never fire while typing, an IME composition never fires anything) are tested without a browser.

import type { MessageKey } from './i18n.svelte';

/**
 * What the review screen is doing: reading an item, editing it, rejecting it, showing the shortcut list, showing
 * the copilot's suggested fix, or showing the item's history.
 */
export type Mode = 'view' | 'edit' | 'reject' | 'help' | 'suggest' | 'history';

export type ActionName =
  | 'accept'
  | 'edit'
  | 'reject'
  | 'skip'
  | 'undo'
  | 'prev'
  | 'next'
  | 'suggest'
  | 'take'
  | 'history'
  | 'help'
  | 'save'
  | 'cancel'
  | 'confirm'
  | 'toggle'
  | 'check';

export interface Action {
  name: ActionName;
  /** For toggle: which reason (0 for key 1, ... 9 for key 0); for check: which checklist criterion (key 1 is 0). */
  index?: number;
}

/** The parts of a KeyboardEvent the rules look at; editable says whether focus is in a text field. */
export interface KeyInput {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  shiftKey?: boolean;
  isComposing?: boolean;
  editable?: boolean;
}

const viewLetters: Record<string, ActionName> = {
  a: 'accept',
  e: 'edit',
  r: 'reject',
  s: 'skip',
  u: 'undo',
  k: 'prev',
  j: 'next',
  f: 'suggest',
  h: 'history',
};

export function actionFor(k: KeyInput, mode: Mode): Action | null {
  // While an input method composes Japanese, Enter and Esc belong to it.
  if (k.isComposing || k.key === 'Process' || k.key === 'Unidentified') return null;
  const mod = !!(k.ctrlKey || k.metaKey);
  switch (mode) {
    case 'help':
    case 'history':
      if (k.key === 'Escape' || k.key === '?' || (!mod && !k.editable && k.key.length === 1)) return { name: 'cancel' };
      return null;
    case 'edit':
      if (k.key === 'Enter' && mod) return { name: 'save' };
      // F is a letter of the text here: with Ctrl+Shift the copilot rewrites the edit in progress.
      if (mod && k.shiftKey && !k.altKey && k.key.toLowerCase() === 'f') return { name: 'suggest' };
      if (k.key === 'Escape') return { name: 'cancel' };
      return null;
    case 'reject':
      if (k.key === 'Escape') return { name: 'cancel' };
      if (k.key === 'Enter' && !k.shiftKey && !k.altKey) return { name: 'confirm' };
      if (!k.editable && !mod && !k.altKey && /^[0-9]$/.test(k.key)) {
        return { name: 'toggle', index: k.key === '0' ? 9 : Number(k.key) - 1 };
      }
      return null;
    case 'suggest':
      // The suggestion sits over the item: Esc drops it, Enter or T takes it, E edits it further, and every key of
      // the view (a decision, J, K) still works and cancels it.
      if (k.key === 'Escape') return { name: 'cancel' };
      if (!k.editable && !mod && !k.altKey && (k.key === 'Enter' || k.key.toLowerCase() === 't')) return { name: 'take' };
      return actionFor(k, 'view');
    case 'view': {
      if (k.editable) return null;
      if (mod && !k.altKey && k.key.toLowerCase() === 'z' && !k.shiftKey) return { name: 'undo' };
      if (mod || k.altKey) return null; // leave the browser's own shortcuts alone
      if (k.key === '?') return { name: 'help' };
      if (/^[1-9]$/.test(k.key)) return { name: 'check', index: Number(k.key) - 1 };
      const name = viewLetters[k.key.toLowerCase()];
      return name ? { name } : null;
    }
  }
}

/** Whether an event target is somewhere the user types, where letter shortcuts must not fire. */
export function isEditable(target: EventTarget | null): boolean {
  const el = target as { tagName?: string; isContentEditable?: boolean; type?: string } | null;
  if (!el || typeof el.tagName !== 'string') return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName.toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes((el.type ?? 'text').toLowerCase());
}

export function keyInput(e: KeyboardEvent): KeyInput {
  return {
    key: e.key,
    ctrlKey: e.ctrlKey,
    metaKey: e.metaKey,
    altKey: e.altKey,
    shiftKey: e.shiftKey,
    isComposing: e.isComposing,
    editable: isEditable(e.target),
  };
}

/** Every shortcut, for the ? overlay: keys as shown, and the locale key of what they do. */
export const shortcuts: { keys: string[]; label: MessageKey }[] = [
  { keys: ['A'], label: 'key.accept' },
  { keys: ['E'], label: 'key.edit' },
  { keys: ['R'], label: 'key.reject' },
  { keys: ['S'], label: 'key.skip' },
  { keys: ['U', 'Ctrl+Z'], label: 'key.undo' },
  { keys: ['K'], label: 'key.prev' },
  { keys: ['J'], label: 'key.next' },
  { keys: ['F'], label: 'key.suggest' },
  { keys: ['Ctrl+Shift+F'], label: 'key.suggestEdit' },
  { keys: ['T', 'Enter'], label: 'key.take' },
  { keys: ['H'], label: 'key.history' },
  { keys: ['1', '…', '9'], label: 'key.check' },
  { keys: ['Ctrl+Enter'], label: 'key.save' },
  { keys: ['Esc'], label: 'key.cancel' },
  { keys: ['1', '…', '9', '0'], label: 'key.toggle' },
  { keys: ['Enter'], label: 'key.confirm' },
  { keys: ['Tab'], label: 'key.hints' },
  { keys: ['?'], label: 'key.help' },
];
