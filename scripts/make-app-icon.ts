/**
 * `npx --no-install node scripts/make-app-icon.ts`: draws build/icon.png, the 512 × 512
 * application icon that electron-builder turns into the macOS .icns, the Windows .ico and the
 * Linux icon set. Drawn from shapes, so the committed picture can always be redrawn exactly.
 */
import fs from 'node:fs';
import { PixelCanvas, rgb } from '../electron/core/tray/pixel-canvas.ts';
import { polyline, ring, roundedBox } from '../electron/core/tray/shapes.ts';

const ICON_FILE = new URL('../build/icon.png', import.meta.url);
const SIZE = 512;
const RUNWATCH_BLUE = rgb('#2d6cdf');
const WHITE = rgb('#ffffff');

// macOS draws app icons on an 824/1024 grid with a transparent margin; other platforms scale
// the same picture, so one margin suits all three.
const TILE_MARGIN = 50;
const TILE_RADIUS = 92;
const CENTER = SIZE / 2;

const canvas = new PixelCanvas(SIZE, SIZE);
const tileSize = SIZE - 2 * TILE_MARGIN;
canvas.fill(roundedBox(TILE_MARGIN, TILE_MARGIN, tileSize, tileSize, TILE_RADIUS), RUNWATCH_BLUE);
// A watch face with a pulse across it: something kept running, and kept an eye on.
canvas.fill(ring(CENTER, CENTER, 124, 28), WHITE);
canvas.fill(
  polyline(
    [
      [174, 262],
      [212, 262],
      [236, 196],
      [272, 322],
      [298, 240],
      [316, 262],
      [338, 262],
    ],
    26,
  ),
  WHITE,
);

fs.writeFileSync(ICON_FILE, canvas.toPng());
process.stdout.write(`wrote ${ICON_FILE.pathname}\n`);
