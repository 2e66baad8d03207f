/**
 * Times that count on by themselves (`3m ago`, `12m 4s`, `in 12s`): one timer for the whole page writes
 * their text once a second, outside React, so a list of thousands of runs is not drawn again
 * every second — only the text of the times on screen changes.
 */
import { useLayoutEffect, useRef } from 'react';
import { agoText, countdownText, localText, sinceText } from '../format/time-text.ts';

/** `ago`: time passed since `iso`; `since`: a running duration; `until`: time left until it. */
type Format = 'ago' | 'since' | 'until';

interface Ticking {
  since: number;
  format: Format;
}

const ticking = new Map<HTMLTimeElement, Ticking>();
let timer: ReturnType<typeof setInterval> | null = null;

function text({ since, format }: Ticking, now: number): string {
  if (format === 'until') return countdownText(since, now);
  return format === 'ago' ? agoText(since, now) : sinceText(since, now);
}

function tick(): void {
  const now = Date.now();
  for (const [element, entry] of ticking) {
    const next = text(entry, now);
    if (element.textContent !== next) element.textContent = next;
  }
}

function track(element: HTMLTimeElement, entry: Ticking): () => void {
  ticking.set(element, entry);
  element.textContent = text(entry, Date.now());
  timer ??= setInterval(tick, 1_000);
  return () => {
    ticking.delete(element);
    if (ticking.size === 0 && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/** `iso` shown as time passed since it (or left until it), kept current; its local time in the tooltip. */
export function TickingTime({ iso, format = 'ago' }: { iso: string; format?: Format }) {
  const ref = useRef<HTMLTimeElement>(null);
  useLayoutEffect(() => {
    const element = ref.current;
    const since = Date.parse(iso);
    if (element === null || Number.isNaN(since)) return;
    return track(element, { since, format });
  }, [iso, format]);
  return <time ref={ref} dateTime={iso} title={localText(iso)} data-ticking="" />;
}
