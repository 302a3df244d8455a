/** Which backend computed each batch, run-length encoded, so a result can name the backends
 *  that computed it (e.g. 'wasm-simd x2 workers + wasm': large batches on the pool, small ones
 *  in-thread) without keeping one entry per batch. */
export class BackendHistory {
  private readonly runs: { from: number; label: string }[] = [];
  private count = 0;

  record(label: string): void {
    const last = this.runs[this.runs.length - 1];
    if (!last || last.label !== label) this.runs.push({ from: this.count, label });
    this.count++;
  }

  /** Number of batches recorded so far (a mark for `since`). */
  batches(): number {
    return this.count;
  }

  /** Distinct labels of the batches after `mark`, in first-use order, joined by ' + ';
   *  `fallback` when none ran. */
  since(mark: number, fallback: string): string {
    const labels = this.runs.filter((r, i) => (this.runs[i + 1]?.from ?? this.count) > mark && r.from < this.count).map((r) => r.label);
    return [...new Set(labels)].join(' + ') || fallback;
  }
}
