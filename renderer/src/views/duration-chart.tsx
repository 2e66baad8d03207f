/**
 * A pipeline's recent runs as bars of their duration, coloured by outcome, with the median
 * marked: a run that took more than twice as long as usual is outlined and labelled. Each bar
 * links to its run.
 */
import { useId } from 'react';
import type { PipelineRun } from '../../../shared/api.ts';
import { formatDuration } from '../../../shared/duration.ts';
import { durationText, localText } from '../format/time-text.ts';
import { useDashboard } from '../state/dashboard-store.ts';
import { routeHash } from '../state/route.ts';
import { chartBoxes, OUTLIER_RATIO, type DurationStats } from './duration-chart-stats.ts';
import './duration-chart.css';

const SIZES = {
  small: { width: 320, height: 84, left: 4, right: 4, top: 10, bottom: 4, slots: 30, gap: 2 },
  large: { width: 960, height: 260, left: 52, right: 12, top: 22, bottom: 22, slots: 30, gap: 4 },
} as const;

/** Spoken and shown as the chart's text alternative. */
export function chartSummary(pipeline: string, stats: DurationStats): string {
  const count = stats.runs.length;
  if (count === 0) return `${pipeline} has no finished runs yet.`;
  const parts = [
    `Durations of the last ${count} run${count === 1 ? '' : 's'} of ${pipeline}`,
    stats.median_s === null ? 'no durations known' : `median ${durationText(stats.median_s)}`,
    stats.outliers > 0
      ? `${stats.outliers} run${stats.outliers === 1 ? '' : 's'} took more than ${OUTLIER_RATIO}× the median`
      : `none took more than ${OUTLIER_RATIO}× the median`,
    `${stats.succeeded} succeeded, ${stats.failed} failed`,
  ];
  return `${parts.join('; ')}.`;
}

/** Whether an axis label at `y` keeps clear of the median and threshold labels. */
function clearOf(y: number, others: (number | null)[]): boolean {
  return others.every((other) => other === null || Math.abs(other + 4 - y) >= 14);
}

function barLabel(run: PipelineRun, ratio: number | null): string {
  const slow = ratio !== null && ratio > OUTLIER_RATIO ? `, ${ratio.toFixed(1)}× the median` : '';
  const when = run.finished_at === null ? '' : `, finished ${localText(run.finished_at)}`;
  const attempt = run.attempt > 1 ? ` (attempt ${run.attempt})` : '';
  return `${run.run_id}${attempt}: ${run.outcome}, ${durationText(run.duration_s)}${slow}${when}`;
}

export function DurationChart({
  source,
  pipeline,
  stats,
  size = 'small',
}: {
  source: string;
  pipeline: string;
  stats: DurationStats;
  size?: keyof typeof SIZES;
}) {
  const navigate = useDashboard((state) => state.navigate);
  const id = useId();
  const box = SIZES[size];
  const large = size === 'large';
  const plot = {
    width: box.width - box.left - box.right,
    height: box.height - box.top - box.bottom,
  };
  const boxes = chartBoxes(stats, { ...plot, slots: box.slots, gap: box.gap, stub: 2 }, large);
  const summary = chartSummary(pipeline, stats);
  return (
    <svg
      className={`dc dc--${size}`}
      viewBox={`0 0 ${box.width} ${box.height}`}
      role="group"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-desc`}
    >
      <title id={`${id}-title`}>{`Run durations of ${pipeline}`}</title>
      <desc id={`${id}-desc`}>{summary}</desc>
      <g transform={`translate(${box.left} ${box.top})`}>
        <line className="dc-baseline" x1={0} x2={plot.width} y1={plot.height} y2={plot.height} />
        {large && (
          <g className="dc-axis" aria-hidden="true">
            {clearOf(4, [boxes.median_y, boxes.threshold_y]) && (
              <text x={-8} y={4} textAnchor="end">
                {formatDuration(boxes.top_s * 1_000)}
              </text>
            )}
            {clearOf(plot.height, [boxes.median_y, boxes.threshold_y]) && (
              <text x={-8} y={plot.height} textAnchor="end">
                0
              </text>
            )}
          </g>
        )}
        {boxes.threshold_y !== null && (
          <g className="dc-threshold" aria-hidden="true">
            <line x1={0} x2={plot.width} y1={boxes.threshold_y} y2={boxes.threshold_y} />
            <text x={-8} y={boxes.threshold_y + 4} textAnchor="end">
              {OUTLIER_RATIO}×
            </text>
          </g>
        )}
        {boxes.bars.map(({ chart, x, y, width, height }) => {
          const { run } = chart;
          const route = { view: 'run', source, run_id: run.run_id, attempt: run.attempt } as const;
          const label = barLabel(run, chart.ratio);
          return (
            <a
              key={`${run.run_id}@${run.attempt}`}
              href={routeHash(route)}
              className={`dc-link${chart.outlier ? ' dc-link--outlier' : ''}`}
              aria-label={label}
              onClick={(event) => {
                event.preventDefault();
                navigate(route);
              }}
            >
              <title>{label}</title>
              {/* A taller invisible hit area, so short bars are easy to click. */}
              <rect
                className="dc-hit"
                x={x - box.gap / 2}
                y={0}
                width={width + box.gap}
                height={plot.height}
              />
              <rect
                className={`dc-bar dc-bar--${run.duration_s === null ? 'unknown' : run.outcome}`}
                x={x}
                y={y}
                width={width}
                height={height}
                rx={large ? 2 : 1}
              />
              {chart.outlier && (
                <>
                  <rect
                    className="dc-outlier-ring"
                    x={x - 1.5}
                    y={y - 1.5}
                    width={width + 3}
                    height={height + 3}
                    rx={large ? 3 : 2}
                  />
                  {large ? (
                    <text
                      className="dc-outlier-label"
                      x={x + width / 2}
                      y={y - 6}
                      textAnchor="middle"
                    >
                      {`${(chart.ratio ?? 0).toFixed(1)}×`}
                    </text>
                  ) : (
                    <circle className="dc-outlier-dot" cx={x + width / 2} cy={y - 5} r={2.5} />
                  )}
                </>
              )}
            </a>
          );
        })}
        {boxes.median_y !== null && stats.median_s !== null && (
          <g className="dc-median" aria-hidden="true">
            <line x1={0} x2={plot.width} y1={boxes.median_y} y2={boxes.median_y} />
            {large ? (
              <text x={-8} y={boxes.median_y + 4} textAnchor="end">
                {durationText(stats.median_s)}
              </text>
            ) : null}
          </g>
        )}
        {large && (
          <text
            className="dc-caption"
            x={plot.width}
            y={plot.height + 16}
            textAnchor="end"
            aria-hidden="true"
          >
            newest →
          </text>
        )}
      </g>
    </svg>
  );
}
