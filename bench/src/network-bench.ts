// Pod network cost, each figure against a baseline measured in the same run:
//   guest → ClusterIP ÷ guest → pod IP    request latency (new connection per request: the
//                                         translation happens at connect), goal ≤ 1.05×
//   host → ClusterIP ÷ host → pod IP      through the agent's host-side proxy (a real proxy hop)
//   connections/s through the Service (3 backends), guest side and host side, 16 concurrent clients
// The guest side calls the ClusterNetwork exactly as the sandbox's sock_connect does; the sandbox's
// own cost is the same on both sides of the ratio, so it is left out.
// Run: node bench/dist/network-bench.js

import { fileURLToPath } from 'node:url';
import { BACKEND_IPS, BACKEND_PORT, CLIENT_IP, guestRequest, hostRequest, startNetworkBenchEnv } from './network-setup.js';

const WARMUP = 200;
const PER_ROUND = 400;
/** Phases alternate and each keeps its best round's median (the machine is shared, its speed drifts). */
const ROUNDS = 5;
const CONCURRENCY = 16;
const THROUGHPUT_MS = 1000;
const THROUGHPUT_ROUNDS = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median latency of a and of b, requests interleaved a, b, a, b… so that drift hits both alike. */
async function pairedLatencyUs(a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[number, number]> {
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < PER_ROUND; i++) {
    let t0 = performance.now();
    await a();
    ta.push((performance.now() - t0) * 1000);
    t0 = performance.now();
    await b();
    tb.push((performance.now() - t0) * 1000);
  }
  return [median(ta), median(tb)];
}

async function perSecond(fn: () => Promise<unknown>): Promise<number> {
  let done = 0;
  const start = performance.now();
  const deadline = start + THROUGHPUT_MS;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        await fn();
        done++;
      }
    }),
  );
  return done / ((performance.now() - start) / 1000);
}

export interface NetworkBenchResult {
  guestDirectUs: number;
  guestClusterIpUs: number;
  guestRatio: number;
  hostDirectUs: number;
  hostProxyUs: number;
  hostRatio: number;
  guestConnsPerSec: number;
  guestDirectConnsPerSec: number;
  hostConnsPerSec: number;
}

export async function runNetworkBench(): Promise<NetworkBenchResult> {
  const env = await startNetworkBenchEnv();
  try {
    const { network, clusterIP } = env;
    let rr = 0;
    const pod = () => BACKEND_IPS[rr++ % BACKEND_IPS.length];
    const phases = {
      guestDirect: () => guestRequest(network, CLIENT_IP, pod(), BACKEND_PORT),
      guestClusterIp: () => guestRequest(network, CLIENT_IP, clusterIP, 80),
      hostDirect: () => hostRequest(pod(), BACKEND_PORT),
      hostProxy: () => hostRequest(clusterIP, 80),
    };
    for (const fn of Object.values(phases)) for (let i = 0; i < WARMUP; i++) await fn();
    // Per round: the two sides of a ratio interleaved; the round with the fastest baseline counts.
    const best = { guestDirect: Infinity, guestClusterIp: Infinity, hostDirect: Infinity, hostProxy: Infinity };
    for (let r = 0; r < ROUNDS; r++) {
      const [gd, gc] = await pairedLatencyUs(phases.guestDirect, phases.guestClusterIp);
      if (gd < best.guestDirect) [best.guestDirect, best.guestClusterIp] = [gd, gc];
      const [hd, hp] = await pairedLatencyUs(phases.hostDirect, phases.hostProxy);
      if (hd < best.hostDirect) [best.hostDirect, best.hostProxy] = [hd, hp];
    }
    let guestConnsPerSec = 0;
    let guestDirectConnsPerSec = 0;
    let hostConnsPerSec = 0;
    for (let r = 0; r < THROUGHPUT_ROUNDS; r++) {
      guestConnsPerSec = Math.max(guestConnsPerSec, await perSecond(phases.guestClusterIp));
      guestDirectConnsPerSec = Math.max(guestDirectConnsPerSec, await perSecond(phases.guestDirect));
      hostConnsPerSec = Math.max(hostConnsPerSec, await perSecond(phases.hostProxy));
    }
    const res: NetworkBenchResult = {
      guestDirectUs: best.guestDirect,
      guestClusterIpUs: best.guestClusterIp,
      guestRatio: best.guestClusterIp / best.guestDirect,
      hostDirectUs: best.hostDirect,
      hostProxyUs: best.hostProxy,
      hostRatio: best.hostProxy / best.hostDirect,
      guestConnsPerSec,
      guestDirectConnsPerSec,
      hostConnsPerSec,
    };
    const us = (x: number) => `${x.toFixed(0)} µs`;
    console.log(`request latency, new connection each, medians of ${PER_ROUND} interleaved pairs, round with the fastest baseline of ${ROUNDS}:`);
    console.log(`  guest → pod IP        ${us(res.guestDirectUs)}`);
    console.log(`  guest → ClusterIP     ${us(res.guestClusterIpUs)}   ratio ${res.guestRatio.toFixed(3)}× (goal ≤ 1.05×)`);
    console.log(`  host → pod IP         ${us(res.hostDirectUs)}`);
    console.log(`  host → ClusterIP      ${us(res.hostProxyUs)}   ratio ${res.hostRatio.toFixed(3)}× (host-side proxy hop)`);
    console.log(`connections/s, ${CONCURRENCY} concurrent clients, best of ${THROUGHPUT_ROUNDS} alternating ${THROUGHPUT_MS} ms phases:`);
    console.log(`  guest → Service (3 backends)  ${res.guestConnsPerSec.toFixed(0)}/s   (guest → pod IPs directly: ${res.guestDirectConnsPerSec.toFixed(0)}/s)`);
    console.log(`  host → Service (3 backends)   ${res.hostConnsPerSec.toFixed(0)}/s`);
    return res;
  } finally {
    await env.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runNetworkBench();
}
