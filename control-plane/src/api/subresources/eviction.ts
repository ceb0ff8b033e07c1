// POST pods/{name}/eviction (policy/v1 Eviction): with no PodDisruptionBudgets to honour yet,
// an eviction is a delete with the Eviction's deleteOptions; the answer is a 201 Success Status.

import type { ObjectService } from '../objects.js';
import { findResource } from '../resources.js';
import type { Obj } from '../metadata.js';
import { meta } from '../metadata.js';
import { errors, successStatus } from '../status.js';
import { parseDeleteOptions } from '../deletion.js';

const PODS = findResource('', 'v1', 'pods')!;

export async function evictPod(svc: ObjectService, ns: string, name: string, body: Obj, dryRun: boolean): Promise<Obj> {
  if (body.kind !== undefined && body.kind !== 'Eviction') throw errors.badRequest(`${String(body.kind)} cannot be handled as an Eviction`);
  const md = meta(body);
  if (md.name !== undefined && md.name !== name) throw errors.badRequest(`name in URL does not match name in Eviction object`);
  if (md.namespace !== undefined && md.namespace !== '' && md.namespace !== ns) throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  const opts = parseDeleteOptions((body.deleteOptions ?? undefined) as Obj | undefined, new URLSearchParams());
  await svc.delete(PODS, ns, name, opts, { dryRun });
  return { ...successStatus(), code: 201 } as unknown as Obj;
}
