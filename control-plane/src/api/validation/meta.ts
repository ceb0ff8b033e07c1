// ObjectMeta validation (ValidateObjectMeta): name or generateName, labels, annotations.

import { fe, NEGATIVE } from './errors.js';
import type { Causes } from './errors.js';
import { isQualifiedName, isValidLabelValue, nameIsDNSLabel } from './names.js';
import type { NameFn } from './names.js';
import { isObj, obj, str } from './util.js';
import type { Obj } from './util.js';

export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export function validateLabels(labels: unknown, path: string, out: Causes): void {
  if (!isObj(labels)) return;
  for (const k in labels) {
    for (const msg of isQualifiedName(k)) out.push(fe.invalid(path, k, msg));
    const v = labels[k];
    if (typeof v !== 'string') {
      out.push(fe.invalid(path, v, 'must be a string'));
      continue;
    }
    for (const msg of isValidLabelValue(v)) out.push(fe.invalid(path, v, msg));
  }
}

export function validateAnnotations(annotations: unknown, path: string, out: Causes): void {
  if (!isObj(annotations)) return;
  let size = 0;
  for (const k in annotations) {
    for (const msg of isQualifiedName(k.toLowerCase())) out.push(fe.invalid(path, k, msg));
    const v = str(annotations[k]);
    size += k.length + v.length;
  }
  // A UTF-16 code unit is at most 3 UTF-8 bytes: count bytes exactly only near the limit.
  if (size * 3 > TOTAL_ANNOTATION_SIZE_LIMIT) {
    size = 0;
    for (const k in annotations) size += Buffer.byteLength(k) + Buffer.byteLength(str(annotations[k]));
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) out.push(fe.tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
}

/**
 * Validate metadata. A missing name with generateName set is accepted: the API server generates the
 * name before storing (as BeforeCreate does); the generateName prefix itself must be valid.
 */
export function validateObjectMeta(o: Obj, nameFn: NameFn, namespaced: boolean, out: Causes): void {
  const md = obj(o.metadata);
  const name = str(md.name);
  const generateName = str(md.generateName);
  if (generateName !== '') for (const msg of nameFn(generateName, true)) out.push(fe.invalid('metadata.generateName', generateName, msg));
  if (name === '') {
    if (generateName === '') out.push(fe.required('metadata.name', 'name or generateName is required'));
  } else {
    for (const msg of nameFn(name, false)) out.push(fe.invalid('metadata.name', name, msg));
  }
  const ns = str(md.namespace);
  if (namespaced && ns !== '') for (const msg of nameIsDNSLabel(ns, false)) out.push(fe.invalid('metadata.namespace', ns, msg));
  if (typeof md.generation === 'number' && md.generation < 0) out.push(fe.invalid('metadata.generation', md.generation, NEGATIVE));
  validateLabels(md.labels, 'metadata.labels', out);
  validateAnnotations(md.annotations, 'metadata.annotations', out);
}
