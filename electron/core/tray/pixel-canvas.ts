import { PNG } from 'pngjs';
import type { Shape } from './shapes.ts';

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

/** `#rrggbb` as channels. */
export function rgb(hex: string): Rgb {
  const value = Number.parseInt(hex.slice(1), 16);
  return { r: (value >> 16) & 0xff, g: (value >> 8) & 0xff, b: value & 0xff };
}

/** How much of the pixel whose centre is at distance `distance` from an edge the shape covers. */
function coverage(distance: number): number {
  return Math.min(1, Math.max(0, 0.5 - distance));
}

/**
 * A small transparent RGBA picture painted with shapes. Kept premultiplied in floats so layered
 * anti-aliased edges blend without fringes; converted once, to PNG.
 */
export class PixelCanvas {
  readonly width: number;
  readonly height: number;
  private readonly pixels: Float64Array;

  constructor(width: number, height: number) {
    this.width = width;
    this.height = height;
    this.pixels = new Float64Array(width * height * 4);
  }

  /** Paints `color` where `shape` covers, over what is there. */
  fill(shape: Shape, color: Rgb): void {
    this.forEachCovered(shape, (i, alpha) => {
      const keep = 1 - alpha;
      const p = this.pixels;
      p[i] = (color.r / 255) * alpha + (p[i] as number) * keep;
      p[i + 1] = (color.g / 255) * alpha + (p[i + 1] as number) * keep;
      p[i + 2] = (color.b / 255) * alpha + (p[i + 2] as number) * keep;
      p[i + 3] = alpha + (p[i + 3] as number) * keep;
    });
  }

  /** Makes what `shape` covers transparent again: cut-outs and gaps. */
  erase(shape: Shape): void {
    this.forEachCovered(shape, (i, alpha) => {
      for (let c = 0; c < 4; c++) this.pixels[i + c] = (this.pixels[i + c] as number) * (1 - alpha);
    });
  }

  /** Paints one whole pixel, for bitmap glyphs that sit on the pixel grid. */
  fillPixel(x: number, y: number, color: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 4;
    this.pixels.set([color.r / 255, color.g / 255, color.b / 255, 1], i);
  }

  toPng(): Buffer {
    const png = new PNG({ width: this.width, height: this.height });
    for (let i = 0; i < this.pixels.length; i += 4) {
      const alpha = this.pixels[i + 3] as number;
      for (let c = 0; c < 3; c++) {
        const straight = alpha === 0 ? 0 : (this.pixels[i + c] as number) / alpha;
        png.data[i + c] = Math.round(Math.min(1, straight) * 255);
      }
      png.data[i + 3] = Math.round(alpha * 255);
    }
    return PNG.sync.write(png);
  }

  private forEachCovered(shape: Shape, paint: (index: number, alpha: number) => void): void {
    for (let y = 0; y < this.height; y++) {
      for (let x = 0; x < this.width; x++) {
        const alpha = coverage(shape(x + 0.5, y + 0.5));
        if (alpha > 0) paint((y * this.width + x) * 4, alpha);
      }
    }
  }
}
