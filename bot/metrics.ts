import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export type Metrics = ReturnType<typeof createMetrics>;

/** One registry per process (tests start several apps in one process, so no global registry). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'accord_' });
  return {
    registry,
    httpRequests: new Counter({
      name: 'accord_http_requests_total',
      help: 'HTTP requests by route and status code',
      labelNames: ['route', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'accord_http_request_duration_seconds',
      help: 'Time to answer an HTTP request',
      labelNames: ['route'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 3],
      registers: [registry],
    }),
    timersFired: new Counter({
      name: 'accord_timers_total',
      help: 'Timer jobs processed, by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    deliveries: new Counter({
      name: 'accord_deliveries_total',
      help: 'Outbox deliveries, by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    reconciled: new Counter({
      name: 'accord_reconciled_jobs_total',
      help: 'Jobs the reconciler offered to the queue from Postgres, by kind',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
  };
}
