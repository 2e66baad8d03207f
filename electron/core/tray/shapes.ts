/**
 * Shapes as signed distance functions: negative inside, positive outside, in pixels. A distance
 * gives each pixel its coverage for anti-aliasing, and one design in 16-unit coordinates renders
 * crisply at any scale.
 */
export type Shape = (x: number, y: number) => number;

export function circle(cx: number, cy: number, radius: number): Shape {
  return (x, y) => Math.hypot(x - cx, y - cy) - radius;
}

/** A circle's outline of `width`, centred on `radius`. */
export function ring(cx: number, cy: number, radius: number, width: number): Shape {
  return (x, y) => Math.abs(Math.hypot(x - cx, y - cy) - radius) - width / 2;
}

/** A line from a to b of `width`, with round ends. */
export function stroke(ax: number, ay: number, bx: number, by: number, width: number): Shape {
  const dx = bx - ax;
  const dy = by - ay;
  const lengthSquared = dx * dx + dy * dy;
  return (x, y) => {
    const t =
      lengthSquared === 0
        ? 0
        : Math.min(1, Math.max(0, ((x - ax) * dx + (y - ay) * dy) / lengthSquared));
    return Math.hypot(x - (ax + t * dx), y - (ay + t * dy)) - width / 2;
  };
}

/** Connected strokes through `points` ([x, y] pairs), with round joins. */
export function polyline(points: readonly (readonly [number, number])[], width: number): Shape {
  const segments: Shape[] = [];
  for (let i = 1; i < points.length; i++) {
    const [ax, ay] = points[i - 1] as readonly [number, number];
    const [bx, by] = points[i] as readonly [number, number];
    segments.push(stroke(ax, ay, bx, by, width));
  }
  return union(...segments);
}

/** An axis-aligned box from (x, y), `width` × `height`, its corners rounded by `radius`. */
export function roundedBox(
  x: number,
  y: number,
  width: number,
  height: number,
  radius: number,
): Shape {
  const cx = x + width / 2;
  const cy = y + height / 2;
  const hx = width / 2 - radius;
  const hy = height / 2 - radius;
  return (px, py) => {
    const qx = Math.abs(px - cx) - hx;
    const qy = Math.abs(py - cy) - hy;
    return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
  };
}

/**
 * A convex polygon through `points` in either winding. The distance is exact along the edges,
 * which is all anti-aliasing needs; `rounding` softens the corners outward.
 */
export function convexPolygon(points: readonly (readonly [number, number])[], rounding = 0): Shape {
  let area = 0;
  points.forEach(([x1, y1], i) => {
    const [x2, y2] = points[(i + 1) % points.length] as readonly [number, number];
    area += x1 * y2 - x2 * y1;
  });
  const sign = area > 0 ? 1 : -1;
  const edges = points.map(([x1, y1], i) => {
    const [x2, y2] = points[(i + 1) % points.length] as readonly [number, number];
    const length = Math.hypot(x2 - x1, y2 - y1);
    return { x1, y1, nx: (sign * (y2 - y1)) / length, ny: (sign * (x1 - x2)) / length };
  });
  return (x, y) => {
    let distance = -Infinity;
    for (const edge of edges) {
      distance = Math.max(distance, (x - edge.x1) * edge.nx + (y - edge.y1) * edge.ny);
    }
    return distance - rounding;
  };
}

export function union(...shapes: Shape[]): Shape {
  return (x, y) => {
    let distance = Infinity;
    for (const shape of shapes) distance = Math.min(distance, shape(x, y));
    return distance;
  };
}

/** The shape grown outward by `amount` (a gap around it when erased). */
export function grown(shape: Shape, amount: number): Shape {
  return (x, y) => shape(x, y) - amount;
}

/** A shape designed in 1× units, drawn at `scale` device pixels per unit. */
export function scaled(shape: Shape, scale: number): Shape {
  return (x, y) => shape(x / scale, y / scale) * scale;
}
