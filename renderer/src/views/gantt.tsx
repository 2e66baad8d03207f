/**
 * A run's steps on one time axis: a bar per step from its start to its end, coloured by status,
 * its duration beside it, and the run's stalls as bands across every row.
 */
import { formatDuration } from '../../../shared/duration.ts';
import { localText } from '../format/time-text.ts';
import { stepTone } from '../format/status-tone.ts';
import type { GanttLayout } from './gantt-layout.ts';
import './gantt.css';

const pct = (value: number) => `${value.toFixed(3)}%`;

function offsetText(layout: GanttLayout, iso: string | null): string {
  if (iso === null || layout.start === null) return '';
  const at = Date.parse(iso);
  return Number.isNaN(at) ? '' : `+${formatDuration(Math.max(0, at - layout.start))}`;
}

export function Gantt({ layout, label }: { layout: GanttLayout; label: string }) {
  const rows = layout.bars.length + (layout.stalls.length > 0 ? 1 : 0);
  return (
    <div className="gantt">
      <div className="gantt-grid" role="list" aria-label={label}>
        <div className="gantt-axis" aria-hidden="true">
          {layout.ticks.map((tick) => (
            <span
              key={tick.at}
              className="gantt-tick"
              style={{ left: pct(tick.at) }}
              data-edge={tick.at > 92 ? 'end' : undefined}
            >
              {tick.label}
            </span>
          ))}
        </div>
        <div
          className="gantt-overlay"
          aria-hidden="true"
          style={{ gridRow: `2 / span ${Math.max(1, rows)}` }}
        >
          {layout.ticks.map((tick) => (
            <span key={tick.at} className="gantt-gridline" style={{ left: pct(tick.at) }} />
          ))}
          {layout.stalls.map((stall, index) => (
            <span
              key={index}
              className={`gantt-stall${stall.open ? ' gantt-stall--open' : ''}`}
              style={{ left: pct(stall.left), width: pct(stall.width) }}
            />
          ))}
        </div>
        {layout.bars.map((bar, index) => {
          // Every cell is placed explicitly: the overlay shares the track column with them.
          const row = { gridRow: index + 2 };
          const tone = stepTone(bar.step.status);
          const name = bar.step.name || bar.step.step_id;
          const duration = bar.duration_ms === null ? '–' : formatDuration(bar.duration_ms);
          const when = bar.placed
            ? `from ${offsetText(layout, bar.step.started_at)}${
                bar.open
                  ? ', still running'
                  : bar.step.finished_at
                    ? ` to ${offsetText(layout, bar.step.finished_at)}`
                    : ''
              }`
            : 'not started';
          return (
            <div key={bar.step.step_id} className="gantt-row" role="listitem">
              <span className="gantt-name" style={row} title={bar.step.step_id}>
                {name}
              </span>
              <span className="gantt-track" style={row}>
                {bar.placed ? (
                  <span
                    className={`gantt-bar gantt-bar--${tone}${bar.open ? ' gantt-bar--open' : ''}`}
                    style={{ left: pct(bar.left), width: pct(bar.width) }}
                    title={`${name}: ${bar.step.status}, ${duration}\n${localText(bar.step.started_at)} → ${
                      bar.open ? 'now' : localText(bar.step.finished_at)
                    }${bar.step.message ? `\n${bar.step.message}` : ''}`}
                  />
                ) : (
                  <span className="gantt-unstarted">{bar.step.status.toLowerCase()}</span>
                )}
                <span className="visually-hidden">{`, ${bar.step.status}, ${when}`}</span>
              </span>
              <span className={`gantt-duration gantt-duration--${tone}`} style={row}>
                {bar.placed ? duration : ''}
                {tone !== 'succeeded' && bar.placed && (
                  <span className="gantt-status"> {bar.step.status.toLowerCase()}</span>
                )}
              </span>
            </div>
          );
        })}
        {layout.stalls.length > 0 && (
          <div className="gantt-row gantt-row--stalls" role="listitem">
            <span
              className="gantt-name gantt-name--stalls"
              style={{ gridRow: layout.bars.length + 2 }}
            >
              Stalls
            </span>
            <span
              className="gantt-track gantt-track--stalls"
              style={{ gridRow: layout.bars.length + 2 }}
            >
              {layout.stalls.map((stall, index) => (
                <span
                  key={index}
                  className="gantt-stall-mark"
                  data-edge={stall.left + stall.width > 75 ? 'end' : undefined}
                  style={{ left: pct(stall.left), width: pct(stall.width) }}
                  title={`No progress for ${formatDuration(stall.idle_s * 1_000)}${stall.open ? ', still stalled' : ''}`}
                >
                  <span className="gantt-stall-label">
                    {formatDuration(stall.idle_s * 1_000)} idle{stall.open ? ' (now)' : ''}
                  </span>
                </span>
              ))}
            </span>
            <span
              className="gantt-duration gantt-duration--stalls"
              style={{ gridRow: layout.bars.length + 2 }}
            >
              {layout.stalls.length} stall{layout.stalls.length === 1 ? '' : 's'}
            </span>
          </div>
        )}
      </div>
    </div>
  );
}
