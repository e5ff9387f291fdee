/**
 * Work outside the virtual world (an msw handler, Node's HTTP parser) that virtual time must wait
 * for: the clock does not move while any of it is pending, so a slow host gives the same run.
 */
export class ExternalWork {
  private readonly pending = new Set<Promise<unknown>>();

  get busy(): boolean {
    return this.pending.size > 0;
  }

  track<T>(work: Promise<T>): Promise<T> {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.pending.add(settled);
    void settled.then(() => this.pending.delete(settled));
    return work;
  }

  /** Resolves once nothing is pending, including work started by work that finished meanwhile. */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
