// wasi:clocks and wasi:random: pure, served on the worker thread.
import { randomFillSync } from 'node:crypto';
import { Pollable } from './io.js';

const epochNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

function monotonicNow(): bigint {
  return process.hrtime.bigint();
}

/** A pollable that becomes ready at the monotonic instant `when` (ns). */
function until(when: bigint): Pollable {
  const ms = performance.now() + Number(when - monotonicNow()) / 1e6;
  return new Pollable(() => monotonicNow() >= when, ms);
}

const MAX_RANDOM = 1 << 24;

function randomBytes(len: bigint): Uint8Array {
  if (len > BigInt(MAX_RANDOM)) throw new RangeError(`get-random-bytes: ${len} bytes is more than ${MAX_RANDOM}`);
  return randomFillSync(new Uint8Array(Number(len)));
}

function randomU64(): bigint {
  return new BigUint64Array(randomFillSync(new Uint8Array(8)).buffer)[0];
}

export function clockImports(): Record<string, unknown> {
  return {
    'wasi:clocks/monotonic-clock': {
      now: monotonicNow,
      resolution: () => 1n,
      subscribeInstant: (when: bigint) => until(when),
      subscribeDuration: (d: bigint) => until(monotonicNow() + d),
    },
    'wasi:clocks/wall-clock': {
      now: () => {
        const ns = epochNs + process.hrtime.bigint();
        return { seconds: ns / 1_000_000_000n, nanoseconds: Number(ns % 1_000_000_000n) };
      },
      resolution: () => ({ seconds: 0n, nanoseconds: 1 }),
    },
    'wasi:random/random': { getRandomBytes: randomBytes, getRandomU64: randomU64 },
    'wasi:random/insecure': { getInsecureRandomBytes: randomBytes, getInsecureRandomU64: randomU64 },
    'wasi:random/insecure-seed': { insecureSeed: () => [randomU64(), randomU64()] },
  };
}
