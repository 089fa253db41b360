/** Latency samples in milliseconds, kept in full (a bench run holds tens of thousands): exact quantiles, no bucketing error. */
export class Samples {
  private values: number[] = [];
  private sorted = true;

  /** Record one sample (ms). */
  add(ms: number): void {
    if (this.values.length && ms < this.values[this.values.length - 1]!) this.sorted = false;
    this.values.push(ms);
  }

  get count(): number {
    return this.values.length;
  }

  /** The q-quantile (0..1) by nearest rank, or null with no samples. */
  quantile(q: number): number | null {
    if (!this.values.length) return null;
    if (!this.sorted) {
      this.values.sort((a, b) => a - b);
      this.sorted = true;
    }
    const rank = Math.min(this.values.length - 1, Math.max(0, Math.ceil(q * this.values.length) - 1));
    return this.values[rank]!;
  }

  /** Arithmetic mean, or null with no samples. */
  mean(): number | null {
    if (!this.values.length) return null;
    let sum = 0;
    for (const v of this.values) sum += v;
    return sum / this.values.length;
  }

  /** p50/p95/p99/max/mean rounded to 0.1 ms, for reports. */
  summary(): { count: number; p50: number | null; p95: number | null; p99: number | null; max: number | null; mean: number | null } {
    const r = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
    return { count: this.count, p50: r(this.quantile(0.5)), p95: r(this.quantile(0.95)), p99: r(this.quantile(0.99)), max: r(this.quantile(1)), mean: r(this.mean()) };
  }
}
