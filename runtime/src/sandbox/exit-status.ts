// How a guest's end is reported, as a container runtime reports a process's end to the kubelet.
//
// Exit codes for traps follow the signal a native process would have died of (128 + signal):
//   unreachable (wasi-libc abort(), Rust panic=abort)   → 134 (SIGABRT)
//   integer divide by zero / overflow, float→int        → 136 (SIGFPE)
//   out of bounds memory/table access, bad call, stack  → 139 (SIGSEGV)
//   stopped (stop(), grace period over)                 → 137 (SIGKILL), reason Killed
//   memory limit                                        → 137, reason OOMKilled (as the kernel OOM killer)
//   fuel budget                                         → 152 (SIGXCPU: CPU time limit exceeded)
import type { WorkerMessage } from './worker-protocol.js';

export type ExitReason = 'Completed' | 'Error' | 'OOMKilled' | 'FuelExhausted' | 'Killed';

export interface ExitStatus {
  exitCode: number;
  reason: ExitReason;
  message?: string;
  startedAt: Date;
  finishedAt: Date;
}

/** V8's trap messages, in the wording wasmtime (and so most wasm users) know. */
const TRAP_WORDING: [RegExp, string, number][] = [
  [/^unreachable/, 'unreachable', 134],
  [/memory access out of bounds/, 'out of bounds memory access', 139],
  [/divide by zero/, 'integer divide by zero', 136],
  [/remainder by zero/, 'integer divide by zero', 136],
  [/divide result unrepresentable|integer overflow/, 'integer overflow', 136],
  [/float unrepresentable/, 'invalid conversion to integer', 136],
  [/table index is out of bounds|table access out of bounds/, 'undefined element: out of bounds table access', 139],
  [/null function|function signature mismatch|indirect call/, 'indirect call type mismatch', 139],
  [/call stack exhausted|Maximum call stack/, 'call stack exhausted', 139],
];

export function describeTrap(v8Message: string): { message: string; exitCode: number } {
  for (const [re, message, exitCode] of TRAP_WORDING) if (re.test(v8Message)) return { message, exitCode };
  return { message: v8Message, exitCode: 139 };
}

export function exitStatusOf(m: WorkerMessage & { type: 'exit' }, startedAt: Date): ExitStatus {
  const finishedAt = new Date(m.at);
  if (m.startError !== undefined) return { exitCode: 128, reason: 'Error', message: m.startError, startedAt, finishedAt };
  if (m.fuelExhausted) return { exitCode: 152, reason: 'FuelExhausted', message: m.trap, startedAt, finishedAt };
  if (m.trap !== undefined) {
    const t = describeTrap(m.trap);
    // A guest that saw memory.grow fail (the engine's instrumented modules record it) or that is
    // at its memory cap, and then traps (abort() on malloc NULL, a null dereference), is out of
    // memory: report it as the kernel's OOM killer would.
    if (m.growFailed || m.nearMemoryCap) return { exitCode: 137, reason: 'OOMKilled', message: `memory limit reached (${m.memoryBytes} bytes); then: ${t.message}`, startedAt, finishedAt };
    return { exitCode: t.exitCode, reason: 'Error', message: t.message, startedAt, finishedAt };
  }
  const code = (m.code ?? 0) >>> 0;
  return { exitCode: code & 0xff, reason: code === 0 ? 'Completed' : 'Error', startedAt, finishedAt };
}
