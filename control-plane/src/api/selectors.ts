// Label and field selectors as kube-apiserver parses them (k8s.io/apimachinery/pkg/labels and
// pkg/fields). A selector that does not parse is a 400 BadRequest naming the offending part.

import { errors } from './status.js';
import type { ResourceInfo } from './resources.js';

type LabelOp = 'exists' | '!exists' | '=' | '!=' | 'in' | 'notin';
interface LabelRequirement {
  key: string;
  op: LabelOp;
  values: string[];
}

export interface Selector {
  matches(obj: Record<string, unknown>): boolean;
  empty: boolean;
}

const KEY_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/;
const KEY_PREFIX = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

function checkKey(key: string, sel: string): void {
  const slash = key.lastIndexOf('/');
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const ok = KEY_NAME.test(name) && (prefix === undefined || (prefix.length <= 253 && KEY_PREFIX.test(prefix)));
  if (!ok) throw errors.badRequest(`unable to parse requirement: key: Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (in selector "${sel}")`);
}

function checkValue(key: string, v: string, sel: string): void {
  if (!LABEL_VALUE.test(v) || v.length > 63)
    throw errors.badRequest(`unable to parse requirement: values[0][${key}]: Invalid value: "${v}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (in selector "${sel}")`);
}

/** Split on commas that are not inside parentheses. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

export function parseLabelSelector(sel: string | null | undefined): Selector {
  const text = (sel ?? '').trim();
  if (text === '') return { empty: true, matches: () => true };
  const reqs: LabelRequirement[] = [];
  for (const rawPart of splitTop(text)) {
    const part = rawPart.trim();
    if (part === '') throw errors.badRequest(`unable to parse requirement: found '', expected: identifier (in selector "${text}")`);
    let m: RegExpMatchArray | null;
    if ((m = part.match(/^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/))) {
      checkKey(m[1], text);
      const values = m[3].split(',').map((v) => v.trim());
      for (const v of values) checkValue(m[1], v, text);
      reqs.push({ key: m[1], op: m[2] as LabelOp, values });
    } else if ((m = part.match(/^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/))) {
      checkKey(m[1], text);
      checkValue(m[1], m[3], text);
      reqs.push({ key: m[1], op: m[2] === '!=' ? '!=' : '=', values: [m[3]] });
    } else if ((m = part.match(/^!\s*([^=!\s()]+)$/))) {
      checkKey(m[1], text);
      reqs.push({ key: m[1], op: '!exists', values: [] });
    } else if ((m = part.match(/^([^=!\s()]+)$/))) {
      checkKey(m[1], text);
      reqs.push({ key: m[1], op: 'exists', values: [] });
    } else {
      throw errors.badRequest(`unable to parse requirement: found '${part}', expected: in, notin, =, ==, !=, or a key (in selector "${text}")`);
    }
  }
  return {
    empty: false,
    matches(obj) {
      const labels = ((obj.metadata as Record<string, unknown> | undefined)?.labels ?? {}) as Record<string, string>;
      return reqs.every((r) => labelMatches(r, labels));
    },
  };
}

function labelMatches(r: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = labels[r.key];
  switch (r.op) {
    case 'exists':
      return has;
    case '!exists':
      return !has;
    case '=':
      return has && v === r.values[0];
    case '!=':
      return !has || v !== r.values[0];
    case 'in':
      return has && r.values.includes(v);
    case 'notin':
      return !has || !r.values.includes(v);
  }
}

/** Fields each kind may be selected on, beyond metadata.name and metadata.namespace (as kube-apiserver allows). */
const FIELD_LABELS: Record<string, string[]> = {
  Pod: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  Event: [
    'involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion',
    'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type',
  ],
  Node: ['spec.unschedulable'],
  Namespace: ['status.phase'],
  Secret: ['type'],
  ReplicationController: ['status.replicas'],
  ReplicaSet: ['status.replicas'],
  Job: ['status.successful'],
};

function fieldValue(obj: Record<string, unknown>, path: string): string {
  if (path === 'source') path = 'source.component';
  let cur: unknown = obj;
  for (const seg of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[seg];
  }
  if (cur === undefined || cur === null) return path === 'spec.unschedulable' || path === 'spec.hostNetwork' ? 'false' : '';
  return String(cur);
}

export function parseFieldSelector(sel: string | null | undefined, info: ResourceInfo): Selector {
  const text = (sel ?? '').trim();
  if (text === '') return { empty: true, matches: () => true };
  const allowed = new Set(['metadata.name', 'metadata.namespace', ...(FIELD_LABELS[info.kind] ?? [])]);
  const reqs: { field: string; neg: boolean; value: string }[] = [];
  for (const rawPart of text.split(',')) {
    const part = rawPart.trim();
    const m = part.match(/^([^=!]+?)\s*(==|=|!=)\s*(.*)$/);
    if (!m) throw errors.badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    const field = m[1].trim();
    if (!allowed.has(field)) throw errors.badRequest(`field label not supported: ${field}`);
    reqs.push({ field, neg: m[2] === '!=', value: m[3] });
  }
  return {
    empty: false,
    matches(obj) {
      return reqs.every((r) => (fieldValue(obj, r.field) === r.value) !== r.neg);
    },
  };
}

/** Both selectors of a list or watch request. */
export function parseSelectors(q: URLSearchParams, info: ResourceInfo): Selector {
  const l = parseLabelSelector(q.get('labelSelector'));
  const f = parseFieldSelector(q.get('fieldSelector'), info);
  return { empty: l.empty && f.empty, matches: (o) => l.matches(o) && f.matches(o) };
}
