/** One plain-words explanation of why something happened, for people reading a run. */
export interface Diagnostic {
  code: string;
  message: string;
  atMicros: number;
}

/**
 * What explains a run: what a sketch could not observe on hardware but a person needs to know.
 * A report with a `key` already seen replaces that entry in place (a run of chunks becomes one line).
 */
export class Diagnostics {
  readonly entries: Diagnostic[] = [];
  private readonly byKey = new Map<string, Diagnostic>();

  constructor(private readonly now: () => number) {}

  report(code: string, message: string, key?: string): void {
    const existing = key === undefined ? undefined : this.byKey.get(key);
    if (existing) {
      existing.message = message;
      return;
    }
    const entry = { code, message, atMicros: this.now() };
    this.entries.push(entry);
    if (key !== undefined) this.byKey.set(key, entry);
  }

  /** Start a new chapter (a reset): keyed entries stop merging with later reports. */
  closeChapter(): void {
    this.byKey.clear();
  }
}
