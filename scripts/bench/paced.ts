/**
 * Latency at a steady load: requests sent at evenly spaced instants (an open loop), each timed from
 * the instant it was due, not from when a free connection let it go, so a server that falls behind
 * shows it. autocannon cannot do this: its rate limit lets each connection send its quota for the
 * second back to back and then wait, which measures bursts of full load. (wrk2 measures this way; it
 * is not an npm package, so this is the few lines of it the bench needs, over undici's pool.)
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';

export interface PacedRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  headers: Record<string, string>;
}

export interface PacedFigures {
  sent: number;
  failed: number;
  p50: number;
  p99: number;
  max: number;
}

export async function paced(
  url: string,
  rate: number,
  seconds: number,
  connections: number,
  request: (n: number) => PacedRequest,
): Promise<PacedFigures> {
  const pool = new Pool(url, { connections, pipelining: 1 });
  const total = Math.round(rate * seconds);
  const latencies = new Float64Array(total);
  let failed = 0;
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  for (let n = 0; n < total;) {
    const now = performance.now();
    // Send everything that is due; timers only wake every millisecond or so, so several may be.
    while (n < total && start + (n * 1000) / rate <= now) {
      const due = start + (n * 1000) / rate;
      const index = n;
      const { method, path, body, headers } = request(n);
      inFlight.push(
        pool
          .request({ method, path, body, headers })
          .then(async (response) => {
            await response.body.dump();
            if (response.statusCode >= 300) failed++;
          })
          .catch(() => {
            failed++;
          })
          .finally(() => {
            latencies[index] = performance.now() - due;
          }),
      );
      n++;
    }
    await sleep(Math.max(0, start + (n * 1000) / rate - performance.now()));
  }
  await Promise.all(inFlight);
  await pool.close();
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] * 10) / 10;
  return { sent: total, failed, p50: at(0.5), p99: at(0.99), max: at(1) };
}
