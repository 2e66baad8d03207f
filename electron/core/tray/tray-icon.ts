import { drawText, GLYPH_HEIGHT, textWidth } from './bitmap-font.ts';
import { PixelCanvas, rgb } from './pixel-canvas.ts';
import { circle, grown, ring, roundedBox, scaled, type Shape } from './shapes.ts';
import { STATUS_GLYPHS } from './status-glyph.ts';
import type { TrayStatus } from './tray-status.ts';

/** One size of the tray picture, as Electron's `nativeImage.addRepresentation` takes it. */
export interface IconRepresentation {
  scaleFactor: 1 | 2;
  /** Width and height in pixels. */
  size: number;
  png: Buffer;
}

/** The design grid: a tray icon is 16 × 16 points. */
const SIZE = 16;
const SCALES = [1, 2] as const;

export const STATUS_COLORS: Record<TrayStatus, string> = {
  failed: '#d92d20',
  stalled: '#e08600',
  unreachable: '#8a8f98',
  running: '#2f6fdf',
  ok: '#1f9d55',
};

export const BADGE_COLOR = '#e5253a';
const WHITE = rgb('#ffffff');
const BLACK = rgb('#000000');

const DISC = circle(SIZE / 2, SIZE / 2, 7.2);

/** The count as the badge writes it: nothing at 0, `99+` past 99. */
export function badgeText(count: number): string {
  if (count <= 0) return '';
  return count > 99 ? '99+' : String(Math.floor(count));
}

interface BadgeLayout {
  shape: Shape;
  /** Top-left cell of the text, in 1× pixels. */
  textX: number;
  textY: number;
}

/** A pill at the top-right, one glyph row of padding; a single digit sits in a circle. */
function badgeLayout(text: string): BadgeLayout {
  const height = GLYPH_HEIGHT + 2;
  const width = text.length === 1 ? height : textWidth(text) + 2;
  const left = SIZE - width;
  // A full half-height radius would clip the corner cells of a wide badge's first glyph.
  const radius = text.length === 1 ? height / 2 : 3;
  return {
    shape: roundedBox(left, 0, width, height, radius),
    textX: left + (width - textWidth(text)) / 2,
    textY: 1,
  };
}

function paintStatus(status: TrayStatus, count: number, scale: number): Buffer {
  const canvas = new PixelCanvas(SIZE * scale, SIZE * scale);
  canvas.fill(scaled(DISC, scale), rgb(STATUS_COLORS[status]));
  canvas.fill(scaled(STATUS_GLYPHS[status], scale), WHITE);
  const text = badgeText(count);
  if (text !== '') {
    const badge = badgeLayout(text);
    // A transparent gap keeps the badge apart from a disc of the same colour.
    canvas.erase(scaled(grown(badge.shape, 1), scale));
    canvas.fill(scaled(badge.shape, scale), rgb(BADGE_COLOR));
    drawText(canvas, text, badge.textX, badge.textY, scale, WHITE);
  }
  return canvas.toPng();
}

function paintTemplate(status: TrayStatus, scale: number): Buffer {
  const canvas = new PixelCanvas(SIZE * scale, SIZE * scale);
  const glyph = scaled(STATUS_GLYPHS[status], scale);
  if (status === 'unreachable') {
    // Hollow, as a thing that is not there.
    canvas.fill(scaled(ring(SIZE / 2, SIZE / 2, 6.6, 1.3), scale), BLACK);
    canvas.fill(glyph, BLACK);
  } else {
    canvas.fill(scaled(DISC, scale), BLACK);
    canvas.erase(glyph);
  }
  return canvas.toPng();
}

/** The tray icon for Windows and Linux: the status disc with its glyph, and the count badge. */
export function trayIcon(status: TrayStatus, count: number): IconRepresentation[] {
  return SCALES.map((scaleFactor) => ({
    scaleFactor,
    size: SIZE * scaleFactor,
    png: paintStatus(status, count, scaleFactor),
  }));
}

/**
 * The macOS menu-bar icon: a template image (black on transparent, which macOS tints for light
 * and dark menu bars). No badge: macOS shows the count as the title beside it.
 */
export function trayTemplateIcon(status: TrayStatus): IconRepresentation[] {
  return SCALES.map((scaleFactor) => ({
    scaleFactor,
    size: SIZE * scaleFactor,
    png: paintTemplate(status, scaleFactor),
  }));
}
