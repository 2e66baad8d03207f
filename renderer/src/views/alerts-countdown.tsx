/**
 * Time left until a moment (`in 12s`), counting down once a second by itself: its text is written
 * outside React, as TickingTime does for times past.
 */
import { useLayoutEffect, useRef } from 'react';
import { localText } from '../format/time-text.ts';
import { countdownText } from './alerts-status.ts';

export function Countdown({ iso }: { iso: string }) {
  const ref = useRef<HTMLTimeElement>(null);
  useLayoutEffect(() => {
    const element = ref.current;
    const at = Date.parse(iso);
    if (element === null || Number.isNaN(at)) return;
    const write = () => {
      const text = countdownText(at, Date.now());
      if (element.textContent !== text) element.textContent = text;
    };
    write();
    const timer = setInterval(write, 1_000);
    return () => clearInterval(timer);
  }, [iso]);
  return <time ref={ref} dateTime={iso} title={localText(iso)} />;
}
