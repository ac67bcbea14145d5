import { describe, expect, it } from 'vitest';
import { hashString, mix32, Random } from '../src/internal/random.ts';

describe('Random (xoshiro128**)', () => {
  it('matches the reference implementation bit for bit', () => {
    // Vectors from the authors' C code (xoshiro128starstar.c) compiled with gcc.
    const fromOneToFour = Random.fromState(1, 2, 3, 4);
    expect(Array.from({ length: 8 }, () => fromOneToFour.nextUint32())).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849,
    ]);
    const other = Random.fromState(0x9e3779b9, 0x12345678, 0xdeadbeef, 0xcafebabe);
    for (let i = 0; i < 1000; i++) other.nextUint32();
    expect(Array.from({ length: 4 }, () => other.nextUint32())).toEqual([
      1320115819, 4041874566, 2974328296, 2940586687,
    ]);
  });

  it('is deterministic per (seed, stream) and differs across them', () => {
    const draw = (seed: number, stream: number) => {
      const random = new Random(seed, stream);
      return Array.from({ length: 5 }, () => random.nextUint32());
    };
    expect(draw(1, 0)).toEqual(draw(1, 0));
    expect(draw(1, 0)).not.toEqual(draw(2, 0));
    expect(draw(1, 0)).not.toEqual(draw(1, 1));
    expect(draw(0, 0).some((value) => value !== 0)).toBe(true);
  });

  it('draws uniformly enough: means, ranges and weights', () => {
    const random = new Random(42);
    const n = 20_000;
    let sum = 0;
    let [min, max] = [1, 0];
    const counts = [0, 0, 0];
    const dice = new Set<number>();
    for (let i = 0; i < n; i++) {
      const u = random.next();
      [min, max] = [Math.min(min, u), Math.max(max, u)];
      sum += u;
      const index = random.weighted([1, 2, 7]);
      counts[index] = (counts[index] ?? 0) + 1;
      dice.add(random.int(1, 6));
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(sum / n).toBeCloseTo(0.5, 1);
    expect([...dice].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect((counts[2] ?? 0) / n).toBeGreaterThan(0.66);
    expect((counts[2] ?? 0) / n).toBeLessThan(0.74);
  });

  it('keeps logInt within its bounds', () => {
    const random = new Random(7);
    const seats = Array.from({ length: 5_000 }, () => random.logInt(50, 400));
    expect(Math.min(...seats)).toBe(50);
    expect(Math.max(...seats)).toBe(400);
    // Log-uniform: as many draws in 50–141 as in 141–400 (the geometric midpoint is ≈ 141).
    const low = seats.filter((value) => value < 141).length / seats.length;
    expect(low).toBeGreaterThan(0.45);
    expect(low).toBeLessThan(0.55);
  });

  it('mixes and hashes to unsigned 32-bit integers', () => {
    expect(mix32(0)).not.toBe(mix32(1));
    expect(mix32(123)).toBeGreaterThanOrEqual(0);
    // FNV-1a reference values.
    expect(hashString('')).toBe(0x811c9dc5);
    expect(hashString('a')).toBe(0xe40c292c);
  });
});
