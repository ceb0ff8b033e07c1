// `wasmkube up`: a local cluster in one command, on the embedded LevelDB.

import { resolve, join } from 'node:path';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { R, type KubeObject } from '@wasmkube/client';
import { startCluster, waitFor, type Cluster } from '../cluster.js';
import { inOrderOfUse, readManifestDir } from '../manifests.js';
import { loadSampleImages } from '../sample-images.js';
import { intOption, UsageError } from '../usage.js';

export const UP_HELP = `Usage: wasmkube up [--nodes N] [--data-dir DIR] [--port PORT] [--apply DIR]

Starts a local cluster: the control plane on the embedded LevelDB and N node agents.
Writes DIR/kubeconfig (never ~/.kube/config) and prints the KUBECONFIG line to use.
Running it again on the same data dir resumes the cluster's state. Ctrl-C stops it.

Options:
  --nodes N        node agents to start (default 1)
  --data-dir DIR   where the cluster keeps its state (default ./.data)
  --port PORT      API server port (default 6443; 0 picks a free one)
  --apply DIR      apply every manifest under DIR once the cluster is up (the sample pods)
  --images FILE    images to load into every node: a JSON map of name:tag → .wasm path
  -h, --help       this help`;

export async function up(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      nodes: { type: 'string' },
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      apply: { type: 'string' },
      images: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(UP_HELP);
    return 0;
  }
  const nodes = intOption(values.nodes, 'nodes', 1, 64) ?? 1;
  const port = intOption(values.port, 'port', 0, 65535) ?? 6443;
  const dataDir = resolve(values['data-dir'] ?? '.data');
  const applyDir = values.apply ? resolve(values.apply) : undefined;
  if (applyDir && !existsSync(applyDir)) throw new UsageError(`--apply: no such directory ${applyDir}`);
  const images = await loadSampleImages(values.images ? resolve(values.images) : applyDir ? join(applyDir, '..', 'images.json') : undefined);

  // The manifests are read first: a bad one fails before anything starts, and the image of the
  // first pod is the one the node compiles while it starts.
  const objects = applyDir ? await readManifestDir(applyDir) : [];
  const t0 = performance.now();
  const say = (s: string) => console.log(`[${String(Math.round(performance.now() - t0)).padStart(5)} ms] ${s}`);
  say(`starting wasmkube: ${nodes} node(s), data in ${dataDir}`);
  let applied: () => void = () => undefined;
  const startControllersAfter = new Promise<void>((resolve) => (applied = resolve));
  const starting = startCluster({ nodes, port, dataDir, images: inOrderOfUse(images, objects), defaultRanges: true, log: say, startControllersAfter });

  // Ctrl-C at any point stops the cluster gracefully; one still starting is stopped once it is up.
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping the cluster (state stays in ${dataDir})`);
    applied();
    await (await starting.catch(() => undefined))?.stop();
    say('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  let cluster: Cluster;
  try {
    cluster = await starting;
  } catch (e) {
    applied();
    if (stopping) return new Promise<number>(() => undefined); // the shutdown under way ends the process
    throw e;
  }
  if (!applyDir) applied();
  if (stopping) return new Promise<number>(() => undefined);
  const { stackSwitching } = await import('@wasmkube/runtime');
  if (!stackSwitching()) {
    say('note: each container runs on a worker thread of its own (~9 MB each); node --experimental-wasm-stack-switching (as npm start and the wasmkube command run it) lets them share');
  }

  try {
    if (applyDir) {
      const results = await cluster.apply(objects).finally(applied);
      say(`applied ${results.filter((a) => a.result === 'created').length} object(s) from ${applyDir} (${results.filter((a) => a.result === 'unchanged').length} already there)`);
      await waitForPodsToSettle(cluster.client, say);
    }

    console.log(`
wasmkube is running. Point kubectl at it:

  export KUBECONFIG=${cluster.kubeconfig}
  kubectl get pods -A
`);
    await printServices(cluster.client);
    console.log('Press Ctrl-C to stop.');
  } catch (e) {
    // Ctrl-C while the cluster was still starting: the shutdown under way ends the process (exit 0);
    // what failed here failed because the cluster is stopping.
    if (stopping) return new Promise<number>(() => undefined);
    // A manifest the API refused: stop what runs (its state stays), then fail with the reason.
    stopping = true;
    await cluster.stop();
    throw e;
  }
  return new Promise<number>(() => undefined); // runs until a signal
}

async function waitForPodsToSettle(client: import('@wasmkube/client').KubeClient, say: (s: string) => void): Promise<void> {
  const settled = (p: KubeObject & { status?: { phase?: string; containerStatuses?: { state?: { waiting?: { reason?: string } } }[] } }) =>
    p.status?.phase !== 'Pending' || (p.status?.containerStatuses ?? []).some((c) => c.state?.waiting?.reason && c.state.waiting.reason !== 'ContainerCreating');
  try {
    await waitFor(async () => {
      const pods = await client.list(R.pods);
      const scheduledOrNot = pods.items as (KubeObject & { status?: { phase?: string } })[];
      return scheduledOrNot.length > 0 && scheduledOrNot.filter((p) => (p.spec as { nodeName?: string })?.nodeName).every(settled);
    }, { timeoutMs: 10_000, what: 'the sample pods to start' });
  } catch {
    say('some pods are still starting: see kubectl get pods -A');
  }
  const pods = (await client.list(R.pods)).items as PodView[];
  const byPhase = new Map<string, number>();
  for (const p of pods) byPhase.set(p.status?.phase ?? 'Pending', (byPhase.get(p.status?.phase ?? 'Pending') ?? 0) + 1);
  say(`pods: ${[...byPhase.entries()].map(([k, v]) => `${v} ${k}`).join(', ') || 'none'}`);
  const rows = pods.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, podState(p), p.status?.podIP ?? '-']);
  const w = [0, 1].map((i) => Math.max(...rows.map((r) => r[i].length), 0));
  for (const r of rows) console.log(`    ${r[0].padEnd(w[0])}  ${r[1].padEnd(w[1])}  ${r[2]}`);
}

type PodView = KubeObject & {
  status?: { phase?: string; podIP?: string; containerStatuses?: { state?: { waiting?: { reason?: string }; terminated?: { reason?: string } } }[]; conditions?: { type: string; reason?: string }[] };
};

/** What kubectl's STATUS column would say, roughly: a waiting/terminated reason, else the phase. */
function podState(p: PodView): string {
  for (const c of p.status?.containerStatuses ?? []) {
    const r = c.state?.waiting?.reason ?? c.state?.terminated?.reason;
    if (r && r !== 'ContainerCreating') return r;
  }
  const unsched = p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable');
  return unsched ? 'Pending (Unschedulable)' : (p.status?.phase ?? 'Pending');
}

async function printServices(client: import('@wasmkube/client').KubeClient): Promise<void> {
  const svcs = await client.list(R.services);
  const lines: string[] = [];
  for (const s of svcs.items as (KubeObject & { spec?: { type?: string; clusterIP?: string; ports?: { port: number; nodePort?: number }[] } })[]) {
    if (s.metadata.namespace === 'default' && s.metadata.name === 'kubernetes') continue;
    for (const p of s.spec?.ports ?? []) {
      if (p.nodePort) lines.push(`  curl http://127.0.0.1:${p.nodePort}/    # service ${s.metadata.namespace}/${s.metadata.name} (NodePort)`);
      else if (s.spec?.clusterIP && s.spec.clusterIP !== 'None') lines.push(`  curl http://${s.spec.clusterIP}:${p.port}/    # service ${s.metadata.namespace}/${s.metadata.name}`);
    }
  }
  if (lines.length) console.log(`Services:\n${lines.join('\n')}\n`);
}
