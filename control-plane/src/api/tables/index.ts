// Server-side Tables (meta.k8s.io/v1) for `kubectl get`: one printer per kind, chosen by Kind, with
// columns and cells as kube-apiserver prints them. kubectl upper-cases the column names and shows
// priority>0 columns only with -o wide, so every row always carries all cells.

import type { ResourceInfo } from '../resources.js';
import { defaultPrinter, configMapPrinter, eventPrinter, leasePrinter, namespacePrinter, secretPrinter, serviceAccountPrinter } from './core.js';
import { nodePrinter } from './nodes.js';
import { podPrinter } from './pods.js';
import { endpointSlicePrinter, endpointsPrinter, servicePrinter } from './services.js';
import type { Obj, Printer } from './types.js';
import {
  controllerRevisionPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  jobPrinter,
  replicaSetPrinter,
  replicationControllerPrinter,
} from './workloads.js';

export { humanDuration } from './duration.js';
export { podSummary } from './pods.js';
export type { Column, Printer } from './types.js';

const PRINTERS: Record<string, Printer> = {
  Pod: podPrinter,
  Node: nodePrinter,
  Namespace: namespacePrinter,
  Service: servicePrinter,
  Endpoints: endpointsPrinter,
  EndpointSlice: endpointSlicePrinter,
  Event: eventPrinter,
  ReplicationController: replicationControllerPrinter,
  ReplicaSet: replicaSetPrinter,
  Deployment: deploymentPrinter,
  DaemonSet: daemonSetPrinter,
  Job: jobPrinter,
  ControllerRevision: controllerRevisionPrinter,
  ConfigMap: configMapPrinter,
  Secret: secretPrinter,
  ServiceAccount: serviceAccountPrinter,
  Lease: leasePrinter,
};

export function printerFor(kind: string): Printer {
  return PRINTERS[kind] ?? defaultPrinter;
}

export interface TableOptions {
  /** What rows[].object holds: PartialObjectMetadata (default), the whole object, or nothing. */
  includeObject?: 'None' | 'Metadata' | 'Object';
  now?: Date;
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

export function toTable(info: ResourceInfo, objects: ReadonlyArray<object>, opts: TableOptions = {}): Record<string, unknown> {
  const printer = printerFor(info.kind);
  const now = opts.now ?? new Date();
  const include = opts.includeObject ?? 'Metadata';
  const rows = new Array<Record<string, unknown>>(objects.length);
  for (let i = 0; i < objects.length; i++) {
    const o = (objects[i] ?? {}) as Obj;
    const row: Record<string, unknown> = { cells: printer.cells(o, now) };
    const conditions = printer.conditions?.(o);
    if (conditions) row.conditions = conditions;
    if (include === 'Object') row.object = o;
    else if (include === 'Metadata') row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata ?? {} };
    rows[i] = row;
  }
  const metadata: Record<string, unknown> = {};
  if (opts.resourceVersion !== undefined) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continue) metadata.continue = opts.continue;
  if (opts.remainingItemCount !== undefined) metadata.remainingItemCount = opts.remainingItemCount;
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata, columnDefinitions: printer.columns, rows };
}
