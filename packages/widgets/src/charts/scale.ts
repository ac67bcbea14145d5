/** A linear map from the domain [d0, d1] onto [r0, r1]; a degenerate domain maps to the range's middle. */
export function linearScale(d0: number, d1: number, r0: number, r1: number): (value: number) => number {
  if (d1 === d0) return () => (r0 + r1) / 2;
  return (value) => r0 + ((value - d0) / (d1 - d0)) * (r1 - r0);
}

/** Smallest and largest finite values, or `undefined` when there are none. */
export function extent(values: readonly (number | null)[]): [number, number] | undefined {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const value of values) {
    if (value === null || !Number.isFinite(value)) continue;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return min <= max ? [min, max] : undefined;
}

/** SVG path through the points; `null` values break the line instead of dropping to zero. */
export function linePath(
  values: readonly (number | null)[],
  x: (index: number) => number,
  y: (value: number) => number,
): string {
  let path = '';
  let pen = false;
  values.forEach((value, index) => {
    if (value === null) {
      pen = false;
      return;
    }
    path += `${pen ? 'L' : 'M'}${x(index).toFixed(1)} ${y(value).toFixed(1)}`;
    pen = true;
  });
  return path;
}

const STEPS = [0.001, 0.002, 0.0025, 0.005, 0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10];

/**
 * Round tick values covering [min, max]: the smallest step from 0.1% upwards that needs at most
 * `maxTicks` ticks. The first and last tick bound the axis.
 */
export function niceTicks(min: number, max: number, maxTicks = 5): number[] {
  for (const step of STEPS) {
    const first = Math.floor(min / step + 1e-9);
    const last = Math.max(Math.ceil(max / step - 1e-9), first + 1);
    if (last - first + 1 <= maxTicks) {
      return Array.from({ length: last - first + 1 }, (_, i) => Number(((first + i) * step).toFixed(6)));
    }
  }
  return [min, max];
}
