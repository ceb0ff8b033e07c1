// DaemonSet: one pod on every node that should run it — including nodes that join later.
// As in Kubernetes since 1.12, the pods are placed by the default scheduler, pinned to their node
// by a required node affinity on metadata.name, and tolerate the taints of troubled nodes.
// A template change (a new generation) replaces pods one node at a time (RollingUpdate,
// maxUnavailable 1 by default).

import {
  Controller, EventRecorder, R, isNotFound, objectKey,
  type Informer, type InformerFactory, type KubeClient, type KubeObject, type LabelSelector, type Reconciler,
} from '@wasmkube/client';
import { Expectations } from '../shared/expectations.js';
import { controllerKey, trackOwnedPods } from '../shared/owned-pods.js';
import { podFromTemplate, type PodTemplate } from '../shared/pod-template.js';
import { controllerRef, isActive, isAvailable, isReady, type PodLike } from '../shared/pods.js';
import { nodeShouldRunDaemonPod, DAEMON_TOLERATIONS, type NodeLike } from './placement.js';

export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';

interface DaemonSetObj extends KubeObject {
  spec: {
    selector?: LabelSelector;
    template?: PodTemplate;
    minReadySeconds?: number;
    updateStrategy?: { type?: string; rollingUpdate?: { maxUnavailable?: number | string } };
  };
  status?: Record<string, unknown>;
}

export class DaemonSetController implements Reconciler {
  readonly name = 'daemonset-controller';
  private readonly sets: Informer<DaemonSetObj>;
  private readonly pods: Informer<PodLike>;
  private readonly nodes: Informer<NodeLike>;
  private readonly controller: Controller;
  private readonly expectations = new Expectations();
  private readonly events: EventRecorder;

  constructor(
    private readonly client: KubeClient,
    factory: InformerFactory,
  ) {
    this.sets = factory.get<DaemonSetObj>(R.daemonsets);
    this.pods = factory.get<PodLike>(R.pods);
    this.nodes = factory.get<NodeLike>(R.nodes);
    this.events = new EventRecorder(client, 'daemonset-controller');
    const all = () => this.sets.list().map(objectKey);
    this.controller = new Controller(this, { workers: 2 })
      .watches(this.sets)
      .watches(this.pods, (p) => { const k = controllerKey(p, 'DaemonSet'); return k ? [k] : []; })
      .watches(this.nodes, all);
    trackOwnedPods(this.pods, 'DaemonSet', this.expectations);
  }

  start(): Promise<void> {
    return this.controller.start();
  }

  async stop(): Promise<void> {
    await this.controller.stop();
    await this.events.flush();
  }

  async reconcile(key: string): Promise<void> {
    const ds = this.sets.get(key);
    if (!ds) {
      this.expectations.forget(key);
      return;
    }
    const ns = ds.metadata.namespace as string;
    const generation = String(ds.metadata.generation ?? 1);
    const owned = this.pods.list().filter((p) => p.metadata.namespace === ns && controllerRef(p)?.uid === ds.metadata.uid);
    const active = owned.filter(isActive);
    const byNode = new Map<string, PodLike[]>();
    for (const p of active) {
      const n = nodeOf(p);
      if (n) byNode.set(n, [...(byNode.get(n) ?? []), p]);
    }

    const nodes = this.nodes.list();
    const wanted = nodes.filter((n) => nodeShouldRunDaemonPod(n, ds.spec.template?.spec ?? {}));
    const wantedNames = new Set(wanted.map((n) => n.metadata.name as string));
    const toCreate: string[] = [];
    const toDelete: PodLike[] = [];
    for (const n of wanted) {
      const name = n.metadata.name as string;
      const pods = byNode.get(name) ?? [];
      if (pods.length === 0) toCreate.push(name);
      else toDelete.push(...pods.slice(1)); // more than one: keep the first
    }
    for (const [node, pods] of byNode) if (!wantedNames.has(node)) toDelete.push(...pods);

    // Rolling update: replace out-of-date pods, at most maxUnavailable not-ready at a time.
    const outdated = active.filter((p) => p.metadata.labels?.[TEMPLATE_GENERATION_LABEL] !== generation && !toDelete.includes(p));
    const maxUnavailable = resolveMaxUnavailable(ds, wanted.length);
    const unavailable = wanted.filter((n) => !(byNode.get(n.metadata.name as string) ?? []).some((p) => isReady(p))).length;
    if (ds.spec.updateStrategy?.type !== 'OnDelete') {
      const budget = Math.max(0, maxUnavailable - unavailable);
      // Not-ready outdated pods go first: replacing them costs no availability.
      const ordered = [...outdated].sort((a, b) => Number(isReady(a)) - Number(isReady(b)));
      toDelete.push(...ordered.filter((p) => !isReady(p)), ...ordered.filter((p) => isReady(p)).slice(0, budget));
    }

    if (this.expectations.satisfied(key) && !ds.metadata.deletionTimestamp) {
      this.expectations.expect(key, toCreate.length, toDelete.map(objectKey));
      const owner = { ...ds, apiVersion: 'apps/v1', kind: 'DaemonSet' };
      await Promise.all([
        ...toCreate.map(async (node) => {
          try {
            const pod = podFromTemplate(owner, ds.spec.template ?? {}, `${ds.metadata.name}-`, { [TEMPLATE_GENERATION_LABEL]: generation });
            const spec = pod.spec as Record<string, any>;
            spec.affinity = {
              ...(spec.affinity ?? {}),
              nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }] } },
            };
            spec.tolerations = [...(spec.tolerations ?? []), ...DAEMON_TOLERATIONS];
            const created = await this.client.create(R.pods, ns, pod);
            this.events.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
          } catch (e) {
            this.expectations.creationFailed(key);
            this.events.event(owner, 'Warning', 'FailedCreate', `Error creating: ${(e as Error).message}`);
            throw e;
          }
        }),
        ...toDelete.map(async (p) => {
          try {
            await this.client.delete(R.pods, ns, p.metadata.name as string);
            this.events.event(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
          } catch (e) {
            this.expectations.observedDelete(key, objectKey(p));
            if (!isNotFound(e)) throw e;
          }
        }),
      ]);
    }

    const minReady = ds.spec.minReadySeconds ?? 0;
    const scheduled = active.filter((p) => nodeOf(p) && wantedNames.has(nodeOf(p) as string));
    const status: Record<string, unknown> = {
      currentNumberScheduled: new Set(scheduled.map(nodeOf)).size,
      numberMisscheduled: active.filter((p) => nodeOf(p) && !wantedNames.has(nodeOf(p) as string)).length,
      desiredNumberScheduled: wanted.length,
      numberReady: scheduled.filter(isReady).length,
      updatedNumberScheduled: scheduled.filter((p) => p.metadata.labels?.[TEMPLATE_GENERATION_LABEL] === generation).length,
      numberAvailable: scheduled.filter((p) => isAvailable(p, minReady)).length,
      numberUnavailable: Math.max(0, wanted.length - scheduled.filter((p) => isAvailable(p, minReady)).length),
      observedGeneration: ds.metadata.generation ?? 1,
    };
    const cur = ds.status ?? {};
    if (Object.entries(status).some(([k, v]) => (cur[k] ?? 0) !== v)) {
      try {
        await this.client.updateStatus(R.daemonsets, { ...ds, status: { ...cur, ...status } });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }
}

/** Where a daemon pod runs or is meant to run: its node, or the node its affinity pins it to. */
function nodeOf(p: PodLike): string | undefined {
  if (p.spec?.nodeName) return p.spec.nodeName;
  const terms = (p.spec as any)?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  return terms?.[0]?.matchFields?.find((f: any) => f.key === 'metadata.name')?.values?.[0];
}

function resolveMaxUnavailable(ds: DaemonSetObj, desired: number): number {
  const v = ds.spec.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1;
  if (typeof v === 'number') return Math.max(1, v);
  const m = /^(\d+)%$/.exec(v);
  return m ? Math.max(1, Math.floor((desired * Number(m[1])) / 100)) : Math.max(1, Number(v) || 1);
}

