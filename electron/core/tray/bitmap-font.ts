import type { PixelCanvas, Rgb } from './pixel-canvas.ts';

/** Digits and `+`, 3 × 5 cells: legible at the 16-pixel size of a tray badge. */
const GLYPHS: Record<string, readonly string[]> = {
  '0': ['###', '#.#', '#.#', '#.#', '###'],
  '1': ['.#.', '##.', '.#.', '.#.', '###'],
  '2': ['###', '..#', '###', '#..', '###'],
  '3': ['###', '..#', '.##', '..#', '###'],
  '4': ['#.#', '#.#', '###', '..#', '..#'],
  '5': ['###', '#..', '###', '..#', '###'],
  '6': ['###', '#..', '###', '#.#', '###'],
  '7': ['###', '..#', '..#', '.#.', '.#.'],
  '8': ['###', '#.#', '###', '#.#', '###'],
  '9': ['###', '#.#', '###', '..#', '###'],
  '+': ['...', '.#.', '###', '.#.', '...'],
};

const GLYPH_WIDTH = 3;
export const GLYPH_HEIGHT = 5;
/** Blank cells between glyphs. */
const SPACING = 1;

/** Width in cells of `text` (digits and `+` only). */
export function textWidth(text: string): number {
  return text.length === 0 ? 0 : text.length * (GLYPH_WIDTH + SPACING) - SPACING;
}

/**
 * Draws `text` with its top-left cell at (x, y), in cells; each cell is `scale` × `scale`
 * pixels, so the text stays on the pixel grid at every scale.
 */
export function drawText(
  canvas: PixelCanvas,
  text: string,
  x: number,
  y: number,
  scale: number,
  color: Rgb,
): void {
  [...text].forEach((char, index) => {
    const glyph = GLYPHS[char];
    if (!glyph) throw new Error(`the badge font has no glyph for ${JSON.stringify(char)}`);
    const left = x + index * (GLYPH_WIDTH + SPACING);
    glyph.forEach((row, gy) => {
      [...row].forEach((cell, gx) => {
        if (cell !== '#') return;
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++) {
            canvas.fillPixel((left + gx) * scale + dx, (y + gy) * scale + dy, color);
          }
        }
      });
    });
  });
}
