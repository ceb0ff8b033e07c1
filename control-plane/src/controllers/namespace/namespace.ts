// The namespace controller: once a namespace is Terminating (deletionTimestamp set, `kubernetes`
// in spec.finalizers), delete every object of every namespaced kind the API serves in it (found
// through discovery, as Kubernetes' namespaced-resources deleter does), wait until they are gone
// (finalizers and pods' grace periods hold some for a while), then drop the `kubernetes`
// finalizer through PUT namespaces/{name}/finalize, which lets the API server remove it.

import {
  Controller, R, isConflict, isNotFound,
  type Informer, type InformerFactory, type KubeClient, type KubeObject, type Reconciler, type ReconcileResult, type ResourceRef,
} from '@wasmkube/client';

const FINALIZER = 'kubernetes';
const RECHECK_MS = 250;

interface NamespaceObj extends KubeObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: string };
}

interface ApiResourceList {
  groupVersion: string;
  resources: { name: string; namespaced: boolean; verbs: string[] }[];
}

export class NamespaceController implements Reconciler {
  readonly name = 'namespace-controller';
  private readonly namespaces: Informer<NamespaceObj>;
  private readonly controller: Controller;
  private resources?: Promise<ResourceRef[]>;

  constructor(
    private readonly client: KubeClient,
    factory: InformerFactory,
  ) {
    this.namespaces = factory.get<NamespaceObj>(R.namespaces);
    this.controller = new Controller(this, { workers: 2 }).watches(this.namespaces, (n) => (n.metadata.deletionTimestamp ? [n.metadata.name as string] : []));
  }

  start(): Promise<void> {
    return this.controller.start();
  }

  stop(): Promise<void> {
    return this.controller.stop();
  }

  /** Every namespaced resource we can list and delete, from the API's discovery documents. */
  private discover(): Promise<ResourceRef[]> {
    this.resources ??= (async () => {
      const lists: ApiResourceList[] = [await this.client.request<ApiResourceList>('GET', '/api/v1')];
      const groups = await this.client.request<{ groups: { preferredVersion: { groupVersion: string } }[] }>('GET', '/apis');
      for (const g of groups.groups) {
        try {
          lists.push(await this.client.request<ApiResourceList>('GET', `/apis/${g.preferredVersion.groupVersion}`));
        } catch {
          // an aggregated group that is not answering: its objects cannot be deleted now anyway
        }
      }
      const out: ResourceRef[] = [];
      for (const l of lists) {
        const [group, version] = l.groupVersion.includes('/') ? l.groupVersion.split('/') : ['', l.groupVersion];
        for (const r of l.resources) {
          if (!r.namespaced || r.name.includes('/') || !r.verbs.includes('delete') || !r.verbs.includes('list')) continue;
          out.push({ group, version, plural: r.name, namespaced: true });
        }
      }
      return out;
    })().catch((e) => {
      this.resources = undefined;
      throw e;
    });
    return this.resources;
  }

  async reconcile(name: string): Promise<ReconcileResult | void> {
    const ns = this.namespaces.get(name);
    if (!ns?.metadata.deletionTimestamp || !(ns.spec?.finalizers ?? []).includes(FINALIZER)) return;
    let remaining = 0;
    for (const ref of await this.discover()) {
      const { items } = await this.client.list<KubeObject>(ref, name);
      remaining += items.length;
      await Promise.all(
        items
          .filter((o) => !o.metadata.deletionTimestamp)
          .map(async (o) => {
            try {
              await this.client.delete(ref, name, o.metadata.name as string, { propagationPolicy: 'Background', preconditions: { uid: o.metadata.uid } });
            } catch (e) {
              if (!isNotFound(e) && !isConflict(e)) throw e;
            }
          }),
      );
    }
    // Objects held by finalizers or grace periods: look again shortly.
    if (remaining > 0) return { requeueAfterMs: RECHECK_MS };
    try {
      await this.client.request('PUT', `/api/v1/namespaces/${encodeURIComponent(name)}/finalize`, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, resourceVersion: ns.metadata.resourceVersion },
        spec: { finalizers: (ns.spec?.finalizers ?? []).filter((f) => f !== FINALIZER) },
      });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}
