import { useWindowVirtualizer, windowScroll, type Virtualizer } from '@tanstack/react-virtual';
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type FocusEvent,
  type KeyboardEvent,
  type RefObject,
} from 'react';
import type { ActiveRunStatus } from '../../../shared/run-status.ts';
import { usePrinting } from '../components/use-printing.ts';
import { typing } from '../components/use-row-keys.ts';
import { ActiveRunRow } from './run-row.tsx';
import { runRowKey } from './run-row-key.ts';

const ROW_HEIGHT = 40;
/** The app's header and the list's own, both sticking to the top as the page scrolls. */
const STUCK_ABOVE = 46 + 34;
/** Rows a printed list holds at most: a page per forty or so. */
const PRINTED_ROWS = 2_000;

const COLUMNS = ['Pipeline', 'Run', 'Progress', 'Step', 'Elapsed', 'Last progress', 'State'];

/**
 * The active runs as a table the page scrolls through: only the rows in sight are drawn (10,000
 * runs scroll as smoothly as ten), all of them when printed. On entering it the first row takes
 * the focus, so ↑/↓, Page Up/Down, Home/End and Enter work at once.
 */
export function ActiveRunsTable({
  rows,
  coming,
  showSource,
  onOpen,
}: {
  rows: ActiveRunStatus[];
  /** Rows after these whose runs are still on their way. */
  coming: number;
  showSource: boolean;
  onOpen: (run: ActiveRunStatus) => void;
}) {
  const body = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  // Entering the list focuses it, unless the user is typing in the search box; once the rows are
  // painted, since focusing lays the page out first. A move focuses its row at once.
  const focusPending = useRef<'after-paint' | 'now' | null>(typing() ? null : 'after-paint');
  const listTop = useListTop(body);
  const printing = usePrinting();
  // The virtualizer keeps its state outside React; its rows are drawn from what it returns here.
  // Every row is ROW_HEIGHT tall and never measured, so the virtualizer knows places by index
  // (its default key): a new snapshot of as many runs costs it nothing, where a key per run
  // had it walk all 10,000 again. The drawn rows are keyed by run.
  const scroll = useScrollAfterAttach();
  const virtualizer = useWindowVirtualizer({
    count: rows.length + coming,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    scrollMargin: listTop,
    scrollPaddingStart: STUCK_ABOVE,
    initialOffset: scroll.initialOffset,
    scrollToFn: scroll.scrollToFn,
  });
  const tabbable = Math.min(active, rows.length - 1);

  // Focuses the tabbable row once the virtualizer has drawn it.
  const focusRow = () => {
    const row = body.current?.querySelector<HTMLElement>(`[data-index="${tabbable}"]`);
    if (row) {
      focusPending.current = null;
      row.focus({ preventScroll: true });
    }
  };
  // A move focuses its row as soon as it is drawn, before the next key is handled.
  useLayoutEffect(() => {
    if (focusPending.current === 'now') focusRow();
  });
  // Entering the list focuses its row once the rows are painted.
  useEffect(() => {
    if (focusPending.current !== 'after-paint') return;
    // A frame's callbacks run before it is painted; a task queued from one runs after.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => {
        if (focusPending.current === 'after-paint') focusRow();
      });
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  });

  const moveTo = (index: number) => {
    const next = Math.max(0, Math.min(rows.length - 1, index));
    setActive(next);
    focusPending.current = 'now';
    virtualizer.scrollToIndex(next);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>('[role="row"][data-index]');
    if (row === null) return;
    const index = Number(row.dataset.index);
    const page = Math.max(1, Math.floor((window.innerHeight - STUCK_ABOVE) / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      PageDown: index + page,
      PageUp: index - page,
      Home: 0,
      End: rows.length - 1,
    };
    if (event.key === 'Enter') {
      const run = rows[index];
      if (run) onOpen(run);
    } else if (event.key in moves) {
      moveTo(moves[event.key] as number);
    } else {
      return;
    }
    event.preventDefault();
  };

  const onFocus = (event: FocusEvent<HTMLDivElement>) => {
    const index = Number(event.target.dataset.index);
    if (event.target.getAttribute('role') === 'row' && Number.isInteger(index)) setActive(index);
  };

  const printed = rows.slice(0, PRINTED_ROWS);
  return (
    <div
      className="ar-table panel"
      role="table"
      aria-label="Active runs"
      aria-rowcount={rows.length + coming + 1}
      // Busy while the runs after the first screen are on their way.
      aria-busy={coming > 0}
      onKeyDown={onKeyDown}
      onFocus={onFocus}
    >
      <div role="rowgroup" className="ar-head">
        <div role="row" aria-rowindex={1} className="ar-row ar-row--head">
          {COLUMNS.map((column) => (
            <div key={column} role="columnheader" className="ar-cell">
              {column}
            </div>
          ))}
        </div>
      </div>
      {printing ? (
        <div role="rowgroup" className="ar-body ar-body--printed">
          {printed.map((run, index) => (
            <ActiveRunRow
              key={runRowKey(run)}
              run={run}
              rowIndex={index + 2}
              start={index * ROW_HEIGHT}
              tabbable={false}
              showSource={showSource}
              onOpen={onOpen}
            />
          ))}
        </div>
      ) : (
        <div
          ref={body}
          role="rowgroup"
          className="ar-body"
          style={{ height: virtualizer.getTotalSize() }}
        >
          {virtualizer.getVirtualItems().map((item) => {
            const run = rows[item.index];
            const start = item.start - virtualizer.options.scrollMargin;
            if (run === undefined) {
              return (
                <ComingRow key={`coming/${item.index}`} rowIndex={item.index + 2} start={start} />
              );
            }
            return (
              <ActiveRunRow
                key={runRowKey(run)}
                run={run}
                rowIndex={item.index + 2}
                start={start}
                tabbable={item.index === tabbable}
                showSource={showSource}
                onOpen={onOpen}
              />
            );
          })}
        </div>
      )}
      {printing && rows.length > printed.length && (
        <p className="ar-printed-note">
          The first {printed.length.toLocaleString()} of {rows.length.toLocaleString()} runs.
        </p>
      )}
    </div>
  );
}

/**
 * Where the list's rows begin, from the top of the page: what is above them (banners, the
 * filters) may change size at any time, and the rows are placed from it. Measured when the page
 * has been laid out anyway (an observer's first call comes after the first layout), rather than
 * by laying it out before the first paint: until then 0 only has a few more rows drawn.
 */
function useListTop(body: RefObject<HTMLDivElement | null>): number {
  const [top, setTop] = useState(0);
  useEffect(() => {
    const observer = new ResizeObserver(() => {
      const element = body.current;
      if (element) setTop(element.getBoundingClientRect().top + window.scrollY);
    });
    observer.observe(document.body);
    return () => observer.disconnect();
  }, [body]);
  return top;
}

/** The place of a run still on its way, in a snapshot's first screen. */
function ComingRow({ rowIndex, start }: { rowIndex: number; start: number }) {
  return (
    <div
      role="row"
      aria-rowindex={rowIndex}
      className="ar-row ar-row--coming"
      style={{ transform: `translateY(${start}px)` }}
    >
      <div role="cell" className="ar-cell muted">
        Loading…
      </div>
    </div>
  );
}

type ScrollToFn = Virtualizer<Window, Element>['options']['scrollToFn'];

/**
 * The window's scrolling for the virtualizer, less one write: on attaching to the window it
 * writes back the offset it has just read, which moves nothing but lays the page out before its
 * first paint (16 ms with the first screen of 10,000 runs, laid out again for the paint).
 */
function useScrollAfterAttach(): { initialOffset: number; scrollToFn: ScrollToFn } {
  // Where the window was when the list was first drawn, and whether the virtualizer has
  // attached since.
  const [initialOffset] = useState(() => window.scrollY);
  const attached = useRef(false);
  const scrollToFn = useCallback<ScrollToFn>(
    (offset, options, instance) => {
      const first = !attached.current;
      attached.current = true;
      if (first && offset + (options.adjustments ?? 0) === initialOffset) return;
      windowScroll(offset, options, instance);
    },
    [initialOffset],
  );
  return { initialOffset, scrollToFn };
}
