// Entry point of a container's worker_thread. Spawned ahead of time (warm pool): it loads this
// code, says `ready`, and waits for one `run` message carrying the compiled module. It runs the
// guest's _start to completion on this thread, reports how it ended, and is then discarded.
import { parentPort } from 'node:worker_threads';
import { ChannelClient } from './rpc-channel.js';
import { GuestRun, exitOf, type ExitMessage } from './guest-run.js';
import type { RunMessage, WorkerMessage } from './worker-protocol.js';

const port = parentPort!;
const send = (m: WorkerMessage, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer ?? []);

function run(msg: RunMessage): void {
  const r = new GuestRun(msg, new ChannelClient(msg.sab), send);
  const started = r.start((imports) => ({ instance: new WebAssembly.Instance(msg.module, imports) }));
  if (!started) return;
  const { exports } = started.instance;
  let result: ExitMessage;
  try {
    if (msg.startExport) (exports[msg.startExport] as () => void)();
    (exports._start as () => void)();
    result = exitOf(undefined);
  } catch (err) {
    result = exitOf(err);
  }
  r.end(result, exports);
}

port.once('message', (msg: RunMessage | { type: 'run-component' }) => {
  // WASI 0.2 components (runtime/src/components/) run on the same warm workers.
  if (msg.type === 'run-component') void import('../components/worker/run.js').then((m) => m.runComponent(msg as never));
  else run(msg as RunMessage);
});
send({ type: 'ready' });
