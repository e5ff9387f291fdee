import { hashString, SeededRandom } from '../../../src/sim/random';

const draws = (random: SeededRandom, count = 8): number[] => Array.from({ length: count }, () => random.nextUint32());

describe('SeededRandom', () => {
  it('gives the same sequence for the same seed', () => {
    expect(draws(new SeededRandom(42))).toEqual(draws(new SeededRandom(42)));
    expect(draws(new SeededRandom('run-a'))).toEqual(draws(new SeededRandom('run-a')));
  });

  it('gives different sequences for different seeds', () => {
    expect(draws(new SeededRandom(1))).not.toEqual(draws(new SeededRandom(2)));
    expect(draws(new SeededRandom(0))).not.toEqual(draws(new SeededRandom(1)));
    expect(draws(new SeededRandom('a'))).not.toEqual(draws(new SeededRandom('b')));
  });

  it('draws unsigned 32-bit integers that are not all the same', () => {
    const values = draws(new SeededRandom(7), 100);
    for (const v of values) {
      expect(Number.isInteger(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(0xffffffff);
    }
    expect(new Set(values).size).toBe(100);
  });

  it('fork(purpose) does not depend on how many draws the parent made', () => {
    const fresh = new SeededRandom(99);
    const used = new SeededRandom(99);
    draws(used, 1000);
    expect(draws(used.fork('link jitter'))).toEqual(draws(fresh.fork('link jitter')));
  });

  it('fork(purpose) leaves the parent stream unchanged', () => {
    const plain = new SeededRandom(5);
    const forked = new SeededRandom(5);
    draws(forked.fork('stack garbage'));
    expect(draws(forked)).toEqual(draws(plain));
  });

  it('forks for different purposes, or from different seeds, differ', () => {
    const random = new SeededRandom(3);
    expect(draws(random.fork('a'))).not.toEqual(draws(random.fork('b')));
    expect(draws(new SeededRandom(3).fork('a'))).not.toEqual(draws(new SeededRandom(4).fork('a')));
    expect(draws(random.fork('a'))).not.toEqual(draws(new SeededRandom(3)));
  });

  it('nextInt(min, max) stays within [min, max] and reaches both ends', () => {
    const random = new SeededRandom('ints');
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const n = random.nextInt(200, 210);
      expect(Number.isInteger(n)).toBe(true);
      expect(n).toBeGreaterThanOrEqual(200);
      expect(n).toBeLessThanOrEqual(210);
      seen.add(n);
    }
    expect(seen.size).toBe(11);
    expect(random.nextInt(-3, -3)).toBe(-3);
  });

  it('nextFloat stays in [0, 1)', () => {
    const random = new SeededRandom(11);
    for (let i = 0; i < 1000; i++) {
      const f = random.nextFloat();
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThan(1);
    }
  });

  it('fill writes every byte (including a partial last word) reproducibly', () => {
    const a = new SeededRandom(8).fill(new Uint8Array(7));
    const b = new SeededRandom(8).fill(new Uint8Array(7));
    expect(a).toEqual(b);
    const words = new SeededRandom(8);
    const w0 = words.nextUint32();
    const w1 = words.nextUint32();
    expect(Array.from(a)).toEqual([w0 & 0xff, (w0 >>> 8) & 0xff, (w0 >>> 16) & 0xff, w0 >>> 24, w1 & 0xff, (w1 >>> 8) & 0xff, (w1 >>> 16) & 0xff]);
  });
});

describe('hashString', () => {
  it('is FNV-1a 32-bit', () => {
    expect(hashString('')).toBe(0x811c9dc5);
    expect(hashString('a')).toBe(0xe40c292c);
    expect(hashString('foobar')).toBe(0xbf9cf968);
  });
});
