import { useEffect, useRef, useState, type KeyboardEvent, type RefObject } from 'react';

/** Whether the user is typing somewhere: a list then leaves the focus where it is. */
export function typing(): boolean {
  const focused = document.activeElement;
  return focused !== null && /^(INPUT|TEXTAREA|SELECT)$/.test(focused.tagName);
}

/**
 * The keys of a list whose rows carry `data-row` (their index): ↑/↓, Page Up/Down and Home/End
 * move the focus, Enter opens. Entering the list (its first draw with rows) gives its first row
 * the focus, unless the user is typing. `active` is the row Tab lands on.
 */
export function useRowKeys(
  rows: RefObject<HTMLElement | null>,
  count: number,
  open: (index: number) => void,
): { active: number; onKeyDown: (event: KeyboardEvent<HTMLElement>) => void } {
  const [active, setActive] = useState(0);
  const focusPending = useRef(!typing());

  useEffect(() => {
    if (!focusPending.current) return;
    const index = Math.min(active, count - 1);
    const row = rows.current?.querySelector<HTMLElement>(`[data-row="${index}"]`);
    if (row) {
      focusPending.current = false;
      row.focus();
    }
  });

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    const target = event.target as HTMLElement;
    // Keys in a row's buttons and menus are theirs.
    if (target.dataset.row === undefined) return;
    const index = Number(target.dataset.row);
    const page = Math.max(1, Math.floor(window.innerHeight / target.offsetHeight) - 2);
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      PageDown: index + page,
      PageUp: index - page,
      Home: 0,
      End: count - 1,
    };
    if (event.key === 'Enter') {
      open(index);
    } else if (event.key in moves) {
      const next = Math.max(0, Math.min(count - 1, moves[event.key] as number));
      setActive(next);
      rows.current?.querySelector<HTMLElement>(`[data-row="${next}"]`)?.focus();
    } else {
      return;
    }
    event.preventDefault();
  };

  return { active, onKeyDown };
}
