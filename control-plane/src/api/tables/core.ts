// Columns of the simpler core and cluster kinds: Namespace, ConfigMap, Secret, ServiceAccount, Event,
// Lease, and the default NAME / CREATED AT table kube-apiserver uses for kinds without a printer.

import { since } from './duration.js';
import { AGE_DESC, ageCol, arr, col, nameCol, NAME_DESC, num, obj, str } from './format.js';
import type { Obj, Printer } from './types.js';

const nameAndAge = (o: Obj, now: Date): [string, string] => {
  const md = obj(o.metadata);
  return [str(md.name), since(md.creationTimestamp, now)];
};

export const namespacePrinter: Printer = {
  columns: [nameCol(), col('Status', 'string', 'The status of the namespace'), ageCol()],
  cells(ns, now) {
    const [name, age] = nameAndAge(ns, now);
    return [name, str(obj(ns.status).phase), age];
  },
};

export const configMapPrinter: Printer = {
  columns: [nameCol(), col('Data', 'string', 'Data contains the configuration data.'), ageCol()],
  cells(cm, now) {
    const [name, age] = nameAndAge(cm, now);
    return [name, Object.keys(obj(cm.data)).length + Object.keys(obj(cm.binaryData)).length, age];
  },
};

export const secretPrinter: Printer = {
  columns: [nameCol(), col('Type', 'string', 'Used to facilitate programmatic handling of secret data.'), col('Data', 'string', 'Data contains the secret data.'), ageCol()],
  cells(s, now) {
    const [name, age] = nameAndAge(s, now);
    return [name, str(s.type), Object.keys(obj(s.data)).length, age];
  },
};

export const serviceAccountPrinter: Printer = {
  columns: [nameCol(), col('Secrets', 'string', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.'), ageCol()],
  cells(sa, now) {
    const [name, age] = nameAndAge(sa, now);
    return [name, arr(sa.secrets).length, age];
  },
};

export const leasePrinter: Printer = {
  columns: [nameCol(), col('Holder', 'string', 'holderIdentity contains the identity of the holder of a current lease.'), ageCol()],
  cells(l, now) {
    const [name, age] = nameAndAge(l, now);
    return [name, str(obj(l.spec).holderIdentity), age];
  },
};

function eventSource(ev: Obj): string {
  const src = obj(ev.source);
  const component = str(src.component) || str(ev.reportingComponent) || str(ev.reportingController);
  const instance = str(src.host) || str(ev.reportingInstance);
  return instance === '' ? component : `${component}, ${instance}`;
}

export const eventPrinter: Printer = {
  columns: [
    col('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'),
    col('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future'),
    col('Reason', 'string', "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
    col('Object', 'string', 'The object that this event is about.'),
    col('Subobject', 'string', 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].', 1),
    col('Source', 'string', 'The component reporting this event. Should be a short machine understandable string.', 1),
    col('Message', 'string', 'A human-readable description of the status of this operation.'),
    col('First Seen', 'string', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', 1),
    col('Count', 'string', 'The number of times this event has occurred.', 1),
    col('Name', 'string', NAME_DESC, 1, 'name'),
  ],
  cells(ev, now) {
    const md = obj(ev.metadata);
    const first = ev.firstTimestamp ? since(ev.firstTimestamp, now) : since(ev.eventTime, now);
    let last = ev.lastTimestamp ? since(ev.lastTimestamp, now) : first;
    let count = num(ev.count);
    const series = ev.series == null ? undefined : obj(ev.series);
    if (series) {
      last = since(series.lastObservedTime, now);
      count = num(series.count);
    } else if (count === 0) {
      count = 1; // singleton events carry no count in events.k8s.io/v1
    }
    const io = obj(ev.involvedObject);
    const kind = str(io.kind).toLowerCase();
    const target = str(io.name) !== '' ? `${kind}/${str(io.name)}` : kind;
    return [last, str(ev.type), str(ev.reason), target, str(io.fieldPath), eventSource(ev), str(ev.message).trim(), first, count, str(md.name)];
  },
};

/** rest.NewDefaultTableConvertor: NAME and CREATED AT (a `date` column in RFC 3339, UTC). */
export const defaultPrinter: Printer = {
  columns: [nameCol(), col('Created At', 'date', AGE_DESC)],
  cells(o) {
    const md = obj(o.metadata);
    const ts = typeof md.creationTimestamp === 'string' ? Date.parse(md.creationTimestamp) : NaN;
    return [str(md.name), Number.isNaN(ts) ? '' : new Date(ts).toISOString().replace(/\.\d{3}Z$/, 'Z')];
  },
};
