// Keyboard triage. One listener on the document; a key is a shortcut only when nobody is typing (an input, a
// text area, a select, anything editable has focus), no modifier is held, and no dialog is open — except Escape
// and ?, which the open dialog handles itself. The sheet (ShortcutSheet) lists the same table.
import { useEffect, useRef } from 'react';

export type ShortcutAction = 'next' | 'previous' | 'open' | 'requestAll' | 'acknowledge' | 'search' | 'close' | 'help';

export const SHORTCUTS: { keys: string[]; action: ShortcutAction; what: string }[] = [
  { keys: ['j', '↓'], action: 'next', what: 'Next incident in the list' },
  { keys: ['k', '↑'], action: 'previous', what: 'Previous incident in the list' },
  { keys: ['Enter'], action: 'open', what: 'Open the highlighted incident' },
  { keys: ['r'], action: 'requestAll', what: 'Request footage from all ranked cameras of the open incident (asks first)' },
  { keys: ['a'], action: 'acknowledge', what: 'Acknowledge the highlighted alert' },
  { keys: ['/'], action: 'search', what: 'Search incidents' },
  { keys: ['Esc'], action: 'close', what: 'Close the incident panel' },
  { keys: ['?'], action: 'help', what: 'Show this list of shortcuts' },
];

const KEYS: Record<string, ShortcutAction> = {
  j: 'next',
  ArrowDown: 'next',
  k: 'previous',
  ArrowUp: 'previous',
  Enter: 'open',
  r: 'requestAll',
  a: 'acknowledge',
  '/': 'search',
  Escape: 'close',
  '?': 'help',
};

/** Typing into this element: keys belong to it. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(type);
}

/** Elements whose own keys must not be taken: the map pans with the arrows, a player seeks, a button clicks on Enter. */
function ownsKey(target: EventTarget | null, key: string): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if ((key === 'ArrowDown' || key === 'ArrowUp') && target.closest('.maplibregl-map, video, audio, [role="slider"], [role="tablist"]')) return true;
  if (key === 'Enter' && target.closest('button, a, summary, video, [role="tab"]') && !target.closest('[data-incident-list]')) return true;
  return false;
}

export function useShortcuts(handler: (action: ShortcutAction, event: KeyboardEvent) => void): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
      const action = KEYS[e.key];
      if (!action || isTyping(e.target) || ownsKey(e.target, e.key)) return;
      if (document.querySelector('dialog[open]')) return;
      ref.current(action, e);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}
