// Binding a pod to a node (what the scheduler does): POST pods/{name}/binding or POST
// namespaces/{ns}/bindings. Sets spec.nodeName and the PodScheduled condition; a pod already
// bound (or being deleted) answers 409 Conflict, as kube-apiserver does.

import type { ObjectService } from '../objects.js';
import { findResource } from '../resources.js';
import type { Obj } from '../metadata.js';
import { meta, rfc3339 } from '../metadata.js';
import { errors, successStatus } from '../status.js';
import { StoreError } from '../../store/store.js';

const PODS = findResource('', 'v1', 'pods')!;

export async function bindPod(svc: ObjectService, ns: string, podName: string | undefined, body: Obj, dryRun: boolean): Promise<Obj> {
  if (body.kind !== undefined && body.kind !== 'Binding') throw errors.badRequest(`${String(body.kind)} in version "v1" cannot be handled as a Binding`);
  const md = meta(body);
  const name = podName ?? (md.name as string | undefined);
  if (!name) throw errors.invalid('Binding', '', [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }]);
  if (podName !== undefined && md.name !== undefined && md.name !== podName)
    throw errors.badRequest(`the name of the object (${String(md.name)}) does not match the name on the URL (${podName})`);
  if (md.namespace !== undefined && md.namespace !== '' && md.namespace !== ns)
    throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  const target = (body.target ?? {}) as Obj;
  const node = target.name;
  if (typeof node !== 'string' || node === '') throw errors.invalid('Binding', name, [{ reason: 'FieldValueRequired', message: 'Required value', field: 'target.name' }]);
  if (target.kind !== undefined && target.kind !== '' && target.kind !== 'Node')
    throw errors.invalid('Binding', name, [{ reason: 'FieldValueNotSupported', message: `Unsupported value: "${String(target.kind)}": supported values: "Node"`, field: 'target.kind' }]);

  for (let attempt = 0; attempt < 8; attempt++) {
    const cur = await svc.getKV(PODS, ns, name);
    const pod = structuredClone(cur.value) as Obj;
    const pmd = meta(pod);
    const spec = (pod.spec ?? {}) as Obj;
    if (pmd.deletionTimestamp) throw errors.conflict('pods/binding', name, `pod ${name} is being deleted, cannot be assigned to a host`);
    if (spec.nodeName) throw errors.conflict('pods/binding', name, `pod ${name} is already assigned to node "${String(spec.nodeName)}"`);
    const wantUid = (md.uid as string | undefined) ?? undefined;
    if (wantUid && wantUid !== pmd.uid) throw errors.conflict('pods/binding', name, `Precondition failed: UID in precondition: ${wantUid}, UID in object meta: ${String(pmd.uid)}`);
    spec.nodeName = node;
    pod.spec = spec;
    const ann = (md.annotations ?? {}) as Record<string, string>;
    if (Object.keys(ann).length > 0) pmd.annotations = { ...((pmd.annotations as Obj | undefined) ?? {}), ...ann };
    const status = (pod.status ?? {}) as Obj;
    const conds = (Array.isArray(status.conditions) ? status.conditions : []) as Obj[];
    const cond = { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339() };
    const i = conds.findIndex((c) => c.type === 'PodScheduled');
    if (i >= 0) conds[i] = cond;
    else conds.push(cond);
    status.conditions = conds;
    pod.status = status;
    if (dryRun) break;
    try {
      await svc.store.update(svc.key(PODS, ns, name), pod, cur.modRevision);
      break;
    } catch (e) {
      if (e instanceof StoreError && e.code === 'Conflict') continue;
      throw e;
    }
  }
  return { ...successStatus(), code: 201 } as unknown as Obj;
}
