import { convexPolygon, polyline, roundedBox, stroke, union, type Shape } from './shapes.ts';
import type { TrayStatus } from './tray-status.ts';

/** Stroke width of the glyphs, in 1× pixels. */
const LINE = 1.7;

/**
 * The sign inside the status circle, in 16-unit coordinates around (8, 8). Each status has its
 * own shape, so the icon reads without colour: on macOS's template image, and to colour-blind
 * users.
 */
export const STATUS_GLYPHS: Record<TrayStatus, Shape> = {
  failed: union(stroke(5.4, 5.4, 10.6, 10.6, LINE), stroke(10.6, 5.4, 5.4, 10.6, LINE)),
  // Upright strokes two pixels wide on whole pixels stay sharp at 1×.
  stalled: union(roundedBox(7, 4, 2, 5, 0.6), roundedBox(7, 10, 2, 2, 0.6)),
  unreachable: roundedBox(4.5, 7, 7, 2, 0.6),
  running: convexPolygon(
    [
      [6.4, 4.9],
      [11.4, 8],
      [6.4, 11.1],
    ],
    0.35,
  ),
  ok: polyline(
    [
      [4.7, 8.3],
      [7.1, 10.6],
      [11.4, 5.8],
    ],
    LINE,
  ),
};
