import { useEffect, useState } from 'react';
import { flushSync } from 'react-dom';

/**
 * Whether the page is being printed: a list that draws only the rows in sight then draws them
 * all. The change is drawn at once, before the browser lays the page out for print.
 */
export function usePrinting(): boolean {
  const [printing, setPrinting] = useState(() => matchMedia('print').matches);
  useEffect(() => {
    const query = matchMedia('print');
    const set = (value: boolean) => flushSync(() => setPrinting(value));
    const onChange = () => set(query.matches);
    const onBefore = () => set(true);
    const onAfter = () => set(query.matches);
    query.addEventListener('change', onChange);
    window.addEventListener('beforeprint', onBefore);
    window.addEventListener('afterprint', onAfter);
    return () => {
      query.removeEventListener('change', onChange);
      window.removeEventListener('beforeprint', onBefore);
      window.removeEventListener('afterprint', onAfter);
    };
  }, []);
  return printing;
}
