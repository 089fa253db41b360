/** Samples this process's resident set size while the bench runs; the peak includes the harness (it shares the process). */
export class RssSampler {
  private peak = process.memoryUsage.rss();
  private timer: NodeJS.Timeout | undefined;

  /** Start sampling every `everyMs`. */
  start(everyMs = 100): this {
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
    return this;
  }

  /** Take one sample now. */
  sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
  }

  /** Stop sampling. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.sample();
  }

  /** Peak RSS in MB of our samples only: the peak of one phase, which the kernel's lifetime maximum cannot tell. */
  sampledPeakMb(): number {
    return Math.round((this.peak / 1024 / 1024) * 10) / 10;
  }

  /** Peak RSS in MB: the larger of our samples and the kernel's own maximum (`maxRSS`, in KB). */
  peakMb(): number {
    const kernelPeak = process.resourceUsage().maxRSS * 1024;
    return Math.round((Math.max(this.peak, kernelPeak) / 1024 / 1024) * 10) / 10;
  }
}
