import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import {
  BADGE_COLOR,
  badgeText,
  STATUS_COLORS,
  trayIcon,
  trayTemplateIcon,
  type IconRepresentation,
} from '../../electron/core/tray/tray-icon.ts';
import type { TrayStatus } from '../../electron/core/tray/tray-status.ts';

const STATUSES = Object.keys(STATUS_COLORS) as TrayStatus[];

interface Pixel {
  x: number;
  y: number;
  r: number;
  g: number;
  b: number;
  a: number;
}

function pixels(representation: IconRepresentation): Pixel[] {
  const png = PNG.sync.read(representation.png);
  expect(png.width).toBe(representation.size);
  expect(png.height).toBe(representation.size);
  const out: Pixel[] = [];
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const i = (y * png.width + x) * 4;
      const [r, g, b, a] = [...png.data.subarray(i, i + 4)] as [number, number, number, number];
      out.push({ x, y, r, g, b, a });
    }
  }
  return out;
}

const hex = (p: Pixel) =>
  `#${[p.r, p.g, p.b].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
const opaque = (p: Pixel) => p.a === 255;
const isWhite = (p: Pixel) => opaque(p) && p.r === 255 && p.g === 255 && p.b === 255;

/** The colour most opaque pixels have: the disc's. */
function dominant(list: Pixel[]): string {
  const counts = new Map<string, number>();
  for (const p of list.filter(opaque)) counts.set(hex(p), (counts.get(hex(p)) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
}

const badgePixels = (list: Pixel[]) => list.filter((p) => opaque(p) && hex(p) === BADGE_COLOR);

describe('trayIcon', () => {
  it('comes at 16 × 16 for 1× and 32 × 32 for 2×', () => {
    const [x1, x2] = trayIcon('running', 3);
    expect(x1).toMatchObject({ scaleFactor: 1, size: 16 });
    expect(x2).toMatchObject({ scaleFactor: 2, size: 32 });
    pixels(x1 as IconRepresentation);
    pixels(x2 as IconRepresentation);
  });

  it('paints each status in its own colour, with a white sign on it', () => {
    const discs = STATUSES.map((status) => {
      const list = pixels(trayIcon(status, 0)[1] as IconRepresentation);
      expect(list.filter(isWhite).length, status).toBeGreaterThan(20);
      return dominant(list);
    });
    expect(discs).toEqual(STATUSES.map((status) => STATUS_COLORS[status]));
    expect(new Set(discs).size).toBe(STATUSES.length);
  });

  it('gives each status its own sign, so the icon reads without colour', () => {
    const signs = STATUSES.map((status) =>
      pixels(trayIcon(status, 0)[1] as IconRepresentation)
        .map((p) => (isWhite(p) ? '#' : '.'))
        .join(''),
    );
    expect(new Set(signs).size).toBe(STATUSES.length);
  });

  it('is round: the corners stay transparent', () => {
    for (const representation of trayIcon('ok', 0)) {
      const list = pixels(representation);
      const last = representation.size - 1;
      for (const [x, y] of [
        [0, 0],
        [last, 0],
        [0, last],
        [last, last],
      ]) {
        expect(list.find((p) => p.x === x && p.y === y)?.a).toBe(0);
      }
    }
  });

  it('shows a red badge at the top right only when there is something to count', () => {
    for (const status of STATUSES) {
      for (const representation of trayIcon(status, 0)) {
        expect(badgePixels(pixels(representation)), status).toEqual([]);
      }
      for (const representation of trayIcon(status, 4)) {
        const badge = badgePixels(pixels(representation));
        expect(badge.length, status).toBeGreaterThan(representation.size);
        const half = representation.size / 2;
        expect(badge.every((p) => p.x >= half && p.y < half)).toBe(true);
      }
    }
  });

  it('writes the count in the badge, 99+ past 99', () => {
    const picture = (count: number) => (trayIcon('failed', count)[0] as IconRepresentation).png;
    expect(picture(1).equals(picture(7))).toBe(false);
    expect(picture(12).equals(picture(21))).toBe(false);
    expect(picture(99).equals(picture(100))).toBe(false);
    expect(picture(100).equals(picture(12_345))).toBe(true);
    expect([0, 1, 42, 99, 100, 12_345].map(badgeText)).toEqual(['', '1', '42', '99', '99+', '99+']);
  });

  it('draws the same picture at 2×, in finer pixels', () => {
    for (const status of STATUSES) {
      for (const count of [0, 3, 120]) {
        const [x1, x2] = trayIcon(status, count).map((r) => pixels(r));
        const coverage = (list: Pixel[]) => list.reduce((sum, p) => sum + p.a / 255, 0);
        // Four 2× pixels cover one 1× pixel.
        expect(coverage(x2 as Pixel[]) / 4).toBeCloseTo(coverage(x1 as Pixel[]), -1);
        expect(dominant(x2 as Pixel[])).toBe(STATUS_COLORS[status]);
        const badge = badgePixels(x2 as Pixel[]).length;
        if (count === 0) expect(badge).toBe(0);
        else expect(badge).toBeGreaterThan(badgePixels(x1 as Pixel[]).length * 3);
      }
    }
  });
});

describe('trayTemplateIcon', () => {
  it('is black on transparent, without colour or badge, and differs by status', () => {
    const shapes = STATUSES.map((status) => {
      const [x1, x2] = trayTemplateIcon(status);
      expect(x1).toMatchObject({ scaleFactor: 1, size: 16 });
      expect(x2).toMatchObject({ scaleFactor: 2, size: 32 });
      const list = pixels(x2 as IconRepresentation);
      const drawn = list.filter((p) => p.a > 0);
      expect(drawn.length, status).toBeGreaterThan(100);
      expect(drawn.every((p) => p.r === 0 && p.g === 0 && p.b === 0)).toBe(true);
      return list.map((p) => (p.a > 127 ? '#' : '.')).join('');
    });
    expect(new Set(shapes).size).toBe(STATUSES.length);
  });
});
