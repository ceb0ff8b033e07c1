// Workload columns: ReplicationController, ReplicaSet, Deployment, DaemonSet, Job, ControllerRevision.
// The server always prints the wide cells (GenerateOptions{Wide: true}); kubectl hides priority 1.

import { between, humanDuration, since } from './duration.js';
import { ageCol, arr, col, containerCells, formatLabels, formatLabelSelector, labelSelectorString, nameCol, num, obj, str, templateSpec } from './format.js';
import type { Column, Obj, Printer } from './types.js';

const wideTemplateColumns = (selectorDesc: string): Column[] => [
  col('Containers', 'string', 'Names of each container in the template.', 1),
  col('Images', 'string', 'Images referenced by each container in the template.', 1),
  col('Selector', 'string', selectorDesc, 1),
];

function replicaColumns(kindDesc: string): Column[] {
  return [
    nameCol(),
    col('Desired', 'integer', 'Replicas is the number of desired replicas.'),
    col('Current', 'integer', 'Replicas is the most recently observed number of replicas.'),
    col('Ready', 'integer', `readyReplicas is the number of pods targeted by this ${kindDesc} with a Ready Condition.`),
    ageCol(),
    ...wideTemplateColumns('Selector is a label query over pods that should match the Replicas count.'),
  ];
}

/** spec.replicas as printed: the defaulted value, 0 when absent (ptr.Deref(replicas, 0)). */
function replicas(o: Obj): number {
  return num(obj(o.spec).replicas);
}

export const replicationControllerPrinter: Printer = {
  columns: replicaColumns('ReplicationController'),
  cells(rc, now) {
    const md = obj(rc.metadata);
    const st = obj(rc.status);
    const [names, images] = containerCells(templateSpec(rc));
    return [str(md.name), replicas(rc), num(st.replicas), num(st.readyReplicas), since(md.creationTimestamp, now), names, images, formatLabels(obj(rc.spec).selector)];
  },
};

export const replicaSetPrinter: Printer = {
  columns: replicaColumns('ReplicaSet'),
  cells(rs, now) {
    const md = obj(rs.metadata);
    const st = obj(rs.status);
    const [names, images] = containerCells(templateSpec(rs));
    return [str(md.name), replicas(rs), num(st.replicas), num(st.readyReplicas), since(md.creationTimestamp, now), names, images, formatLabelSelector(obj(rs.spec).selector)];
  },
};

export const deploymentPrinter: Printer = {
  columns: [
    nameCol(),
    col('Ready', 'string', 'Number of the pod with ready state'),
    col('Up-to-date', 'string', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
    col('Available', 'string', 'Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment.'),
    ageCol(),
    ...wideTemplateColumns('Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template\'s labels.'),
  ],
  cells(d, now) {
    const md = obj(d.metadata);
    const st = obj(d.status);
    const [names, images] = containerCells(templateSpec(d));
    return [
      str(md.name),
      `${num(st.readyReplicas)}/${replicas(d)}`,
      num(st.updatedReplicas),
      num(st.availableReplicas),
      since(md.creationTimestamp, now),
      names,
      images,
      labelSelectorString(obj(d.spec).selector),
    ];
  },
};

export const daemonSetPrinter: Printer = {
  columns: [
    nameCol(),
    col('Desired', 'integer', 'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).'),
    col('Current', 'integer', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.'),
    col('Ready', 'integer', 'numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.'),
    col('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod'),
    col('Available', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)'),
    col('Node Selector', 'string', "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node."),
    ageCol(),
    ...wideTemplateColumns('A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match the pod template\'s labels.'),
  ],
  cells(ds, now) {
    const md = obj(ds.metadata);
    const st = obj(ds.status);
    const spec = templateSpec(ds);
    const [names, images] = containerCells(spec);
    return [
      str(md.name),
      num(st.desiredNumberScheduled),
      num(st.currentNumberScheduled),
      num(st.numberReady),
      num(st.updatedNumberScheduled),
      num(st.numberAvailable),
      formatLabels(spec.nodeSelector),
      since(md.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(obj(ds.spec).selector),
    ];
  },
};

function jobCondition(job: Obj, type: string): boolean {
  const c = arr(obj(job.status).conditions).find((x) => x.type === type);
  return c !== undefined && c.status === 'True';
}

export function jobStatus(job: Obj): string {
  if (jobCondition(job, 'Complete')) return 'Complete';
  if (jobCondition(job, 'Failed')) return 'Failed';
  if (obj(job.metadata).deletionTimestamp != null) return 'Terminating';
  if (jobCondition(job, 'Suspended')) return 'Suspended';
  if (jobCondition(job, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

export const jobPrinter: Printer = {
  columns: [
    nameCol(),
    col('Status', 'string', 'Status of the job.'),
    col('Completions', 'string', 'The number of pods which reached phase Succeeded.'),
    col('Duration', 'string', 'Time required to complete the job.'),
    ageCol(),
    ...wideTemplateColumns('A label query over pods that should match the pod count.'),
  ],
  cells(job, now) {
    const md = obj(job.metadata);
    const spec = obj(job.spec);
    const st = obj(job.status);
    const succeeded = num(st.succeeded);
    let completions: string;
    if (typeof spec.completions === 'number') completions = `${succeeded}/${spec.completions}`;
    else if (num(spec.parallelism) > 1) completions = `${succeeded}/1 of ${num(spec.parallelism)}`;
    else completions = `${succeeded}/1`;
    let duration = '';
    if (typeof st.startTime === 'string') {
      const ms = typeof st.completionTime === 'string' ? between(st.startTime, st.completionTime) : between(st.startTime, now.toISOString());
      if (ms !== undefined) duration = humanDuration(ms);
    }
    const [names, images] = containerCells(templateSpec(job));
    return [str(md.name), jobStatus(job), completions, duration, since(md.creationTimestamp, now), names, images, formatLabelSelector(spec.selector)];
  },
};

export const controllerRevisionPrinter: Printer = {
  columns: [nameCol(), col('Controller', 'string', 'Controller of the object'), col('Revision', 'string', 'Revision indicates the revision of the state represented by Data.'), ageCol()],
  cells(cr, now) {
    const md = obj(cr.metadata);
    const ref = arr(md.ownerReferences).find((r) => r.controller === true);
    let controller = '<none>';
    if (ref) {
      const apiVersion = str(ref.apiVersion);
      const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
      const kind = str(ref.kind);
      controller = kind === '' ? str(ref.name) : `${(group ? `${kind}.${group}` : kind).toLowerCase()}/${str(ref.name)}`;
    }
    return [str(md.name), controller, num(cr.revision), since(md.creationTimestamp, now)];
  },
};
