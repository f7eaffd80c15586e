// Rate and time-left estimates for a running job, from the progress reports it sends.

export interface ProgressSample {
  bytes_done: number;
  bytes_total: number;
  files_done: number;
  files_total: number;
  current: string;
}

export interface ProgressEstimate {
  /** 0..1 */
  fraction: number;
  bytesDone: number;
  bytesTotal: number;
  /** Bytes per second, smoothed; null until there is enough to say. */
  rate: number | null;
  /** Seconds left; null until a rate is known. */
  etaSeconds: number | null;
}

/** Keeps a sliding window of samples; the rate is measured over the last few seconds. */
export class ProgressTracker {
  private samples: { t: number; bytes: number }[] = [];
  constructor(private readonly windowMs = 3000) {}

  /** Records a report received at `nowMs` and returns the estimate. */
  update(p: ProgressSample, nowMs: number): ProgressEstimate {
    this.samples.push({ t: nowMs, bytes: p.bytes_done });
    while (this.samples.length > 2 && nowMs - this.samples[0].t > this.windowMs) {
      this.samples.shift();
    }
    const first = this.samples[0];
    const elapsed = (nowMs - first.t) / 1000;
    const moved = p.bytes_done - first.bytes;
    const rate = elapsed >= 0.2 && moved > 0 ? moved / elapsed : null;
    const left = Math.max(0, p.bytes_total - p.bytes_done);
    const fraction =
      p.bytes_total > 0
        ? Math.min(1, p.bytes_done / p.bytes_total)
        : p.files_total > 0
          ? Math.min(1, p.files_done / p.files_total)
          : 0;
    return {
      fraction,
      bytesDone: p.bytes_done,
      bytesTotal: p.bytes_total,
      rate,
      etaSeconds: rate ? left / rate : left === 0 ? 0 : null,
    };
  }
}
