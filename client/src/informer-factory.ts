// One informer per resource type, shared by every controller in a process (client-go's
// SharedInformerFactory): one list+watch stream per type however many controllers read it.

import { Informer } from './informer.js';
import type { KubeClient } from './rest.js';
import type { KubeObject, ResourceRef } from './types.js';

export class InformerFactory {
  private readonly informers = new Map<string, Informer<KubeObject>>();

  constructor(private readonly client: KubeClient) {}

  get<T extends KubeObject>(ref: ResourceRef): Informer<T> {
    const key = `${ref.group}/${ref.version}/${ref.plural}`;
    let inf = this.informers.get(key);
    if (!inf) {
      inf = new Informer<KubeObject>(this.client, ref);
      this.informers.set(key, inf);
    }
    return inf as unknown as Informer<T>;
  }

  stop(): void {
    for (const i of this.informers.values()) i.stop();
  }
}
