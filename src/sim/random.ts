/**
 * A small seeded PRNG (sfc32, seeded through splitmix32) so that every random choice in a run —
 * link jitter, stack garbage, filler bytes — is reproduced exactly from the same seed.
 */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(private readonly seed: number | string) {
    let s = typeof seed === 'number' ? seed >>> 0 : hashString(seed);
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** The generator's state, to put it back later with `setState` (a snapshot). */
  state(): [number, number, number, number] {
    return [this.a, this.b, this.c, this.d];
  }

  setState([a, b, c, d]: readonly [number, number, number, number]): void {
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** A float in [0, 1). */
  nextFloat(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /** An integer in [min, max]. */
  nextInt(min: number, max: number): number {
    return min + Math.floor(this.nextFloat() * (max - min + 1));
  }

  /** Fill `target` with one draw per 4 bytes, each little-endian (the last draw's low bytes for a tail). */
  fill(target: Uint8Array): Uint8Array {
    const whole = target.length & ~3;
    const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
    for (let i = 0; i < whole; i += 4) view.setUint32(i, this.nextUint32(), true);
    let word = whole < target.length ? this.nextUint32() : 0;
    for (let j = whole; j < target.length; j++, word >>>= 8) target[j] = word & 0xff;
    return target;
  }

  /** An independent stream for one purpose, so adding draws in one place leaves the others unchanged. */
  fork(purpose: string): SeededRandom {
    return new SeededRandom(`${this.seed}/${purpose}`);
  }
}

/** FNV-1a, enough to turn a seed string into 32 bits. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
