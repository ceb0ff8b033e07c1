// Namespace, ConfigMap, Secret and the small kinds: defaults and validation.

import { fe, FIELD_IMMUTABLE } from './errors.js';
import type { Causes } from './errors.js';
import { isConfigMapKey, isDNS1123Subdomain } from './names.js';
import { arr, child, deepEqual, isObj, obj, setDefault, str } from './util.js';
import type { Obj } from './util.js';

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export function defaultNamespace(ns: Obj): void {
  const md = child(ns, 'metadata');
  // SetDefaults_Namespace always (re)writes the name label.
  if (typeof md.name === 'string' && md.name !== '') child(md, 'labels')[NAMESPACE_NAME_LABEL] = md.name;
  const spec = child(ns, 'spec');
  if (!Array.isArray(spec.finalizers)) spec.finalizers = ['kubernetes'];
  setDefault(child(ns, 'status'), 'phase', 'Active');
}

export function defaultSecret(s: Obj): void {
  if (s.type === undefined || s.type === null || s.type === '') s.type = 'Opaque';
}

export function defaultEndpoints(ep: Obj): void {
  for (const ss of arr(ep.subsets)) for (const p of arr(ss.ports)) if (isObj(p)) setDefault(p, 'protocol', 'TCP');
}

const CONFIG_MAP_MAX_BYTES = 1024 * 1024;

function dataSize(m: Obj): number {
  let n = 0;
  for (const k in m) n += k.length + str(m[k]).length;
  return n;
}

export function validateConfigMap(cm: Obj, old: Obj | undefined, out: Causes): void {
  const data = obj(cm.data);
  const binary = obj(cm.binaryData);
  for (const k in data) for (const msg of isConfigMapKey(k)) out.push(fe.invalid(`data[${k}]`, k, msg));
  for (const k in binary) {
    for (const msg of isConfigMapKey(k)) out.push(fe.invalid(`binaryData[${k}]`, k, msg));
    if (k in data) out.push(fe.invalid(`binaryData[${k}]`, k, 'duplicate of key present in data'));
  }
  if (dataSize(data) + dataSize(binary) > CONFIG_MAP_MAX_BYTES) out.push(fe.tooLong('', CONFIG_MAP_MAX_BYTES));
  if (old && old.immutable === true) {
    if (cm.immutable !== true) out.push(fe.forbidden('immutable', 'field is immutable when `immutable` is set'));
    if (!deepEqual(cm.data, old.data)) out.push(fe.forbidden('data', 'field is immutable when `immutable` is set'));
    if (!deepEqual(cm.binaryData, old.binaryData)) out.push(fe.forbidden('binaryData', 'field is immutable when `immutable` is set'));
  }
}

const SECRET_REQUIRED_KEYS: Record<string, string[]> = {
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
};

export function validateSecret(s: Obj, old: Obj | undefined, out: Causes): void {
  const data = obj(s.data);
  for (const k in data) for (const msg of isConfigMapKey(k)) out.push(fe.invalid(`data[${k}]`, k, msg));
  for (const k in obj(s.stringData)) for (const msg of isConfigMapKey(k)) out.push(fe.invalid(`stringData[${k}]`, k, msg));
  if (dataSize(data) > CONFIG_MAP_MAX_BYTES) out.push(fe.tooLong('data', CONFIG_MAP_MAX_BYTES));
  const type = str(s.type);
  for (const key of SECRET_REQUIRED_KEYS[type] ?? []) if (!(key in data) && !(key in obj(s.stringData))) out.push(fe.required(`data[${key}]`));
  if (type === 'kubernetes.io/service-account-token' && str(obj(obj(s.metadata).annotations)['kubernetes.io/service-account.name']) === '') {
    out.push(fe.required('metadata.annotations[kubernetes.io/service-account.name]'));
  }
  if (old) {
    if (str(old.type) !== type) out.push(fe.invalid('type', type, FIELD_IMMUTABLE));
    if (old.immutable === true) {
      if (s.immutable !== true) out.push(fe.forbidden('immutable', 'field is immutable when `immutable` is set'));
      if (!deepEqual(s.data, old.data)) out.push(fe.forbidden('data', 'field is immutable when `immutable` is set'));
    }
  }
}

const ADDRESS_TYPES = ['IPv4', 'IPv6', 'FQDN'];

export function validateEndpointSlice(es: Obj, old: Obj | undefined, out: Causes): void {
  const at = es.addressType;
  if (at === undefined || at === '') out.push(fe.required('addressType'));
  else if (!ADDRESS_TYPES.includes(str(at))) out.push(fe.notSupported('addressType', at, ADDRESS_TYPES));
  if (old && old.addressType !== at) out.push(fe.invalid('addressType', at, FIELD_IMMUTABLE));
}

export function validateNamespaceFinalizers(ns: Obj, out: Causes): void {
  arr(obj(ns.spec).finalizers).forEach((f, i) => {
    const name = String(f);
    if (name !== 'kubernetes' && !name.includes('/')) {
      for (const msg of isDNS1123Subdomain(name)) out.push(fe.invalid(`spec.finalizers[${i}]`, name, msg));
    }
  });
}
