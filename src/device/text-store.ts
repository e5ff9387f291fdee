/** Any character beyond Latin-1: one makes the store keep two bytes a character. */
const WIDE = /[^\x00-\xff]/;

/**
 * Text appended piece by piece and kept as bytes: one a character while every character is
 * Latin-1 (a device's output is bytes), two (UTF-16, any JavaScript string, exactly) once one is
 * not. A run's thousands of lines become no objects for the garbage collector to trace or move,
 * and take no more memory than their characters.
 */
export class TextStore {
  private bytes = Buffer.alloc(0);
  private chars = 0;
  private wide = false;

  /** Characters held. */
  get length(): number {
    return this.chars;
  }

  append(text: string): void {
    if (text.length === 0) return;
    if (!this.wide && WIDE.test(text)) this.widen();
    const unit = this.wide ? 2 : 1;
    this.reserve((this.chars + text.length) * unit);
    this.bytes.write(text, this.chars * unit, this.wide ? 'utf16le' : 'latin1');
    this.chars += text.length;
  }

  /** The characters from `start` to `end` (as `String.prototype.slice` takes them, within the text). */
  slice(start = 0, end = this.chars): string {
    const from = Math.max(0, Math.min(start, this.chars));
    const to = Math.max(from, Math.min(end, this.chars));
    return this.wide ? this.bytes.toString('utf16le', from * 2, to * 2) : this.bytes.toString('latin1', from, to);
  }

  clear(): void {
    this.bytes = Buffer.alloc(0);
    this.chars = 0;
    this.wide = false;
  }

  /** Grow by half again (at least 256 bytes), never into Node's shared pool, so a device holds only its own bytes. */
  private reserve(bytes: number): void {
    if (bytes <= this.bytes.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(bytes, 256, Math.floor(this.bytes.length * 1.5)));
    this.bytes.copy(grown, 0, 0, this.chars * (this.wide ? 2 : 1));
    this.bytes = grown;
  }

  private widen(): void {
    const text = this.slice();
    this.wide = true;
    this.bytes = Buffer.alloc(0);
    this.chars = 0;
    this.append(text);
  }
}
