import { monitorEventLoopDelay } from 'node:perf_hooks';

export type HostHealth = {
  /** How late timers ran in this window: a busy event loop delays every INVITE's answer by as much. */
  eventLoopDelayMs: { p50: number; p99: number; max: number; samples: number };
  rssMb: number;
  heapUsedMb: number;
  /** Since when these figures count (the host's start, or the last reset). */
  since: string;
};

const ns = (value: number) => Math.round((value / 1e6) * 100) / 100;
const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

/**
 * The host's own vital signs for the local API (GET /api/v1/health): event
 * loop delay and memory, so a flood's effect on responsiveness is measured
 * by the app itself, not guessed from outside.
 */
export function createHostHealth(now: () => Date = () => new Date()) {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  let since = now();
  return {
    read(): HostHealth {
      const memory = process.memoryUsage();
      return {
        eventLoopDelayMs: {
          p50: ns(histogram.percentile(50)),
          p99: ns(histogram.percentile(99)),
          max: ns(histogram.max),
          samples: histogram.count,
        },
        rssMb: mb(memory.rss),
        heapUsedMb: mb(memory.heapUsed),
        since: since.toISOString(),
      };
    },
    reset(): void {
      histogram.reset();
      since = now();
    },
    stop(): void {
      histogram.disable();
    },
  };
}

export type HostHealthMonitor = ReturnType<typeof createHostHealth>;
