// How a guest's run ended, as the worker reports it: shared by the dedicated worker (worker-main.ts)
// and the shared one (shared-worker-main.ts).
import { FuelExhausted } from './fuel-meter.js';
import { ProcExit } from './wasi-guest.js';
import type { RunMessage, WorkerMessage } from './worker-protocol.js';

export type ExitMessage = WorkerMessage & { type: 'exit' };

/** Headroom under the cap within which a failed allocation is taken as out-of-memory. */
function nearCap(bytes: number, cap: number): boolean {
  return bytes + Math.max(1 << 20, Math.min(cap / 8, 16 << 20)) >= cap;
}

/** The exit message for what _start threw (undefined: it returned). */
export function exitOf(err: unknown): ExitMessage {
  if (err === undefined) return { type: 'exit', at: 0, code: 0, memoryBytes: 0 };
  if (err instanceof ProcExit) return { type: 'exit', at: 0, code: err.code, memoryBytes: 0 };
  if (err instanceof FuelExhausted) return { type: 'exit', at: 0, fuelExhausted: true, trap: err.message, memoryBytes: 0 };
  if (err instanceof WebAssembly.RuntimeError) return { type: 'exit', at: 0, trap: err.message, memoryBytes: 0 };
  if (err instanceof RangeError && /call stack/i.test(err.message)) return { type: 'exit', at: 0, trap: 'call stack exhausted', memoryBytes: 0 };
  return { type: 'exit', at: 0, trap: `host error: ${err instanceof Error ? err.message : String(err)}`, memoryBytes: 0 };
}

/** Adds the guest's memory at the end, and whether it ended against its memory cap. */
export function withMemory(result: ExitMessage, msg: RunMessage, memory: WebAssembly.Memory, exports: WebAssembly.Exports): ExitMessage {
  const bytes = memory.buffer.byteLength;
  result.memoryBytes = bytes;
  result.at = Date.now();
  if (msg.memoryBytes !== undefined) result.nearMemoryCap = nearCap(bytes, msg.memoryBytes);
  const grow = msg.growFailedExport ? exports[msg.growFailedExport] : undefined;
  if (grow instanceof WebAssembly.Global) result.growFailed = Number(grow.value) !== 0;
  return result;
}
