// PodSpec validation (ValidatePodSpec and the container checks it runs) and the pod update rule
// (ValidatePodUpdate): only images, activeDeadlineSeconds, added tolerations and a negative grace
// period may change on a running pod. Messages and paths are Kubernetes' own.

import { fe, NEGATIVE } from './errors.js';
import type { Causes } from './errors.js';
import { validateLabels } from './meta.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidPortName, isValidPortNum } from './names.js';
import { parseQuantityExact, formatNano, QUANTITY_FORMAT_ERROR } from './quantity.js';
import type { ParsedQuantity } from './quantity.js';
import { arr, deepEqual, isObj, obj, str } from './util.js';
import type { Obj } from './util.js';

export const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const HTTP_SCHEMES = ['HTTP', 'HTTPS'];
const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap',
  'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi',
  'ephemeral', 'image',
];
const VOLUME_SOURCE_SET = new Set(VOLUME_SOURCES);

function nonNegative(v: unknown, path: string, out: Causes): void {
  if (typeof v === 'number' && v < 0) out.push(fe.invalid(path, v, NEGATIVE));
}

/** intstr port: number → 1..65535, string → IANA service name syntax. */
export function validatePortNumOrName(port: unknown, path: string, out: Causes): void {
  if (typeof port === 'number') for (const msg of isValidPortNum(port)) out.push(fe.invalid(path, port, msg));
  else if (typeof port === 'string') for (const msg of isValidPortName(port)) out.push(fe.invalid(path, port, msg));
  else out.push(fe.invalid(path, port ?? null, isValidPortNum(0)[0]));
}

function validateVolumes(volumes: Obj[], path: string, out: Causes): Set<string> {
  const names = new Set<string>();
  volumes.forEach((v, i) => {
    const p = `${path}[${i}]`;
    const name = str(v.name);
    if (name === '') out.push(fe.required(`${p}.name`));
    else {
      const msgs = isDNS1123Label(name);
      for (const msg of msgs) out.push(fe.invalid(`${p}.name`, name, msg));
      if (msgs.length === 0 && names.has(name)) out.push(fe.duplicate(`${p}.name`, name));
    }
    if (name !== '') names.add(name);
    const sources: string[] = [];
    for (const k in v) if (k !== 'name' && v[k] !== undefined && v[k] !== null && VOLUME_SOURCE_SET.has(k)) sources.push(k);
    // Kubernetes reports the extra sources in its own field order.
    if (sources.length > 1) sources.sort((a, b) => VOLUME_SOURCES.indexOf(a) - VOLUME_SOURCES.indexOf(b));
    if (sources.length === 0) out.push(fe.required(p, 'must specify a volume type'));
    for (const extra of sources.slice(1)) out.push(fe.forbidden(`${p}.${extra}`, 'may not specify more than 1 volume type'));
    if (isObj(v.configMap) && str(v.configMap.name) === '') out.push(fe.required(`${p}.configMap.name`));
    if (isObj(v.secret) && str(v.secret.secretName) === '') out.push(fe.required(`${p}.secret.secretName`));
    if (isObj(v.hostPath) && str(v.hostPath.path) === '') out.push(fe.required(`${p}.hostPath.path`));
  });
  return names;
}

function validateHandler(h: Obj, path: string, out: Causes): void {
  const kinds = ['exec', 'httpGet', 'tcpSocket', 'grpc', 'sleep'].filter((k) => isObj(h[k]));
  if (kinds.length === 0) {
    out.push(fe.required(path, 'must specify a handler type'));
    return;
  }
  for (const extra of kinds.slice(1)) out.push(fe.forbidden(`${path}.${extra}`, 'may not specify more than 1 handler type'));
  const k = kinds[0];
  const spec = h[k] as Obj;
  if (k === 'exec' && (!Array.isArray(spec.command) || spec.command.length === 0)) out.push(fe.required(`${path}.exec.command`));
  if (k === 'httpGet') {
    if (str(spec.path) === '') out.push(fe.required(`${path}.httpGet.path`));
    validatePortNumOrName(spec.port, `${path}.httpGet.port`, out);
    if (spec.scheme !== undefined && !HTTP_SCHEMES.includes(str(spec.scheme))) out.push(fe.notSupported(`${path}.httpGet.scheme`, spec.scheme, HTTP_SCHEMES));
  }
  if (k === 'tcpSocket') validatePortNumOrName(spec.port, `${path}.tcpSocket.port`, out);
  if (k === 'grpc') for (const msg of isValidPortNum(Number(spec.port))) out.push(fe.invalid(`${path}.grpc.port`, spec.port, msg));
}

function validateProbe(probe: unknown, path: string, kind: 'liveness' | 'readiness' | 'startup', out: Causes): void {
  if (!isObj(probe)) return;
  validateHandler(probe, path, out);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) nonNegative(probe[f], `${path}.${f}`, out);
  if (kind !== 'readiness' && probe.successThreshold !== undefined && probe.successThreshold !== 1) {
    out.push(fe.invalid(`${path}.successThreshold`, probe.successThreshold, 'must be 1'));
  }
}

function quantity(v: unknown, path: string, out: Causes): ParsedQuantity | undefined {
  try {
    const q = parseQuantityExact(typeof v === 'number' ? String(v) : str(v));
    if (q.nano < 0n) {
      out.push(fe.invalid(path, formatNano(q.nano, q.format), NEGATIVE));
      return undefined;
    }
    return q;
  } catch (e) {
    out.push(fe.invalid(path, v ?? null, e instanceof Error ? e.message : QUANTITY_FORMAT_ERROR));
    return undefined;
  }
}

function validateResourceName(name: string, path: string, out: Causes): void {
  if (!name.includes('/')) {
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !name.startsWith('hugepages-')) out.push(fe.invalid(path, name, 'must be a standard resource for containers'));
  } else {
    for (const msg of isQualifiedName(name)) out.push(fe.invalid(path, name, msg));
  }
}

function validateResources(res: unknown, path: string, out: Causes): void {
  if (!isObj(res)) return;
  const limits = obj(res.limits);
  const requests = obj(res.requests);
  const parsedLimits = new Map<string, ParsedQuantity>();
  for (const k in limits) {
    validateResourceName(k, `${path}.limits[${k}]`, out);
    const q = quantity(limits[k], `${path}.limits[${k}]`, out);
    if (q) parsedLimits.set(k, q);
  }
  for (const k in requests) {
    validateResourceName(k, `${path}.requests[${k}]`, out);
    const q = quantity(requests[k], `${path}.requests[${k}]`, out);
    const lim = parsedLimits.get(k);
    if (!q || !lim) continue;
    const overcommit = !k.startsWith('hugepages-') && (k.indexOf('/') < 0 || k.startsWith('kubernetes.io/'));
    if (!overcommit && q.nano !== lim.nano) {
      out.push(fe.invalid(`${path}.requests`, formatNano(q.nano, q.format), `must be equal to ${k} limit of ${formatNano(lim.nano, lim.format)}`));
    } else if (q.nano > lim.nano) {
      out.push(fe.invalid(`${path}.requests`, formatNano(q.nano, q.format), `must be less than or equal to ${k} limit of ${formatNano(lim.nano, lim.format)}`));
    }
  }
}

function validateContainerPorts(ports: Obj[], path: string, out: Causes): void {
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = `${path}[${i}]`;
    const name = str(port.name);
    if (name !== '') {
      const msgs = isValidPortName(name);
      for (const msg of msgs) out.push(fe.invalid(`${p}.name`, name, msg));
      if (msgs.length === 0) {
        if (names.has(name)) out.push(fe.duplicate(`${p}.name`, name));
        else names.add(name);
      }
    }
    if (port.containerPort === undefined || port.containerPort === 0) out.push(fe.required(`${p}.containerPort`));
    else for (const msg of isValidPortNum(Number(port.containerPort))) out.push(fe.invalid(`${p}.containerPort`, port.containerPort, msg));
    if (port.hostPort !== undefined && port.hostPort !== 0) for (const msg of isValidPortNum(Number(port.hostPort))) out.push(fe.invalid(`${p}.hostPort`, port.hostPort, msg));
    if (str(port.protocol) === '') out.push(fe.required(`${p}.protocol`));
    else if (!PROTOCOLS.includes(str(port.protocol))) out.push(fe.notSupported(`${p}.protocol`, port.protocol, PROTOCOLS));
  });
}

function validateVolumeMounts(mounts: Obj[], volumes: Set<string>, path: string, out: Causes): void {
  const paths = new Set<string>();
  mounts.forEach((m, i) => {
    const p = `${path}[${i}]`;
    const name = str(m.name);
    if (name === '') out.push(fe.required(`${p}.name`));
    if (!volumes.has(name)) out.push(fe.notFound(`${p}.name`, name));
    const mp = str(m.mountPath);
    if (mp === '') out.push(fe.required(`${p}.mountPath`));
    if (mp !== '' && paths.has(mp)) out.push(fe.invalid(`${p}.mountPath`, mp, 'must be unique'));
    paths.add(mp);
  });
}

function validateContainer(c: Obj, p: string, volumes: Set<string>, names: Set<string>, init: boolean, out: Causes): void {
  const name = str(c.name);
  if (name === '') out.push(fe.required(`${p}.name`));
  else {
    const msgs = isDNS1123Label(name);
    for (const msg of msgs) out.push(fe.invalid(`${p}.name`, name, msg));
    if (msgs.length === 0 && names.has(name)) out.push(fe.duplicate(`${p}.name`, name));
    names.add(name);
  }
  const image = str(c.image);
  if (image === '') out.push(fe.required(`${p}.image`));
  else if (image.trim() !== image) out.push(fe.invalid(`${p}.image`, image, 'must not have leading or trailing whitespace'));
  if (c.imagePullPolicy !== undefined && !PULL_POLICIES.includes(str(c.imagePullPolicy))) out.push(fe.notSupported(`${p}.imagePullPolicy`, c.imagePullPolicy, PULL_POLICIES));
  if (c.terminationMessagePolicy !== undefined && !TERMINATION_MESSAGE_POLICIES.includes(str(c.terminationMessagePolicy))) {
    out.push(fe.notSupported(`${p}.terminationMessagePolicy`, c.terminationMessagePolicy, TERMINATION_MESSAGE_POLICIES));
  }
  validateContainerPorts(arr(c.ports), `${p}.ports`, out);
  arr(c.env).forEach((e, i) => {
    if (str(e.name) === '') out.push(fe.required(`${p}.env[${i}].name`));
  });
  validateVolumeMounts(arr(c.volumeMounts), volumes, `${p}.volumeMounts`, out);
  if (init && c.restartPolicy === undefined) {
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      if (c[probe] !== undefined) out.push(fe.forbidden(`${p}.${probe}`, `may not be set for init containers without restartPolicy=Always`));
    }
  } else {
    validateProbe(c.livenessProbe, `${p}.livenessProbe`, 'liveness', out);
    validateProbe(c.readinessProbe, `${p}.readinessProbe`, 'readiness', out);
    validateProbe(c.startupProbe, `${p}.startupProbe`, 'startup', out);
  }
  if (init && c.restartPolicy !== undefined && c.restartPolicy !== 'Always') out.push(fe.notSupported(`${p}.restartPolicy`, c.restartPolicy, ['Always']));
  if (!init && c.restartPolicy !== undefined) out.push(fe.forbidden(`${p}.restartPolicy`, 'may not be set for non-init containers'));
  validateResources(c.resources, `${p}.resources`, out);
}

function validateTolerations(tolerations: Obj[], path: string, out: Causes): void {
  tolerations.forEach((t, i) => {
    const p = `${path}[${i}]`;
    const key = str(t.key);
    if (key !== '') for (const msg of isQualifiedName(key)) out.push(fe.invalid(`${p}.key`, key, msg));
    if (key === '' && t.operator !== 'Exists') out.push(fe.invalid(`${p}.operator`, t.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && t.effect !== 'NoExecute') {
      out.push(fe.invalid(`${p}.effect`, t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (t.operator !== undefined && t.operator !== 'Equal' && t.operator !== 'Exists') out.push(fe.notSupported(`${p}.operator`, t.operator, ['Equal', 'Exists']));
    if (t.operator === 'Exists' && str(t.value) !== '') out.push(fe.invalid(`${p}.operator`, t.value, "value must be empty when `operator` is 'Exists'"));
    if (t.effect !== undefined && t.effect !== '' && !TAINT_EFFECTS.includes(str(t.effect))) out.push(fe.notSupported(`${p}.effect`, t.effect, TAINT_EFFECTS));
  });
}

/** ValidatePodSpec for pods (path `spec`) and templates (`spec.template.spec`). */
export function validatePodSpec(spec: Obj, path: string, out: Causes): void {
  const volumes = validateVolumes(arr(spec.volumes), `${path}.volumes`, out);
  const names = new Set<string>();
  const containers = arr(spec.containers);
  if (!Array.isArray(spec.containers) || containers.length === 0) out.push(fe.required(`${path}.containers`));
  containers.forEach((c, i) => validateContainer(c, `${path}.containers[${i}]`, volumes, names, false, out));
  // Init containers come second so that a name clash with an app container is reported on the init one.
  arr(spec.initContainers).forEach((c, i) => validateContainer(c, `${path}.initContainers[${i}]`, volumes, names, true, out));
  const rp = spec.restartPolicy;
  if (rp === undefined || rp === '') out.push(fe.required(`${path}.restartPolicy`));
  else if (!RESTART_POLICIES.includes(str(rp))) out.push(fe.notSupported(`${path}.restartPolicy`, rp, RESTART_POLICIES));
  if (spec.dnsPolicy !== undefined && !DNS_POLICIES.includes(str(spec.dnsPolicy))) out.push(fe.notSupported(`${path}.dnsPolicy`, spec.dnsPolicy, DNS_POLICIES));
  if (str(spec.hostname) !== '') for (const msg of isDNS1123Label(str(spec.hostname))) out.push(fe.invalid(`${path}.hostname`, spec.hostname, msg));
  if (str(spec.subdomain) !== '') for (const msg of isDNS1123Label(str(spec.subdomain))) out.push(fe.invalid(`${path}.subdomain`, spec.subdomain, msg));
  if (str(spec.nodeName) !== '') for (const msg of isDNS1123Subdomain(str(spec.nodeName))) out.push(fe.invalid(`${path}.nodeName`, spec.nodeName, msg));
  nonNegative(spec.terminationGracePeriodSeconds, `${path}.terminationGracePeriodSeconds`, out);
  const ads = spec.activeDeadlineSeconds;
  if (typeof ads === 'number' && (ads < 1 || ads > 2147483647 || !Number.isInteger(ads))) out.push(fe.invalid(`${path}.activeDeadlineSeconds`, ads, 'must be between 1 and 2147483647, inclusive'));
  validateLabels(spec.nodeSelector, `${path}.nodeSelector`, out);
  validateTolerations(arr(spec.tolerations), `${path}.tolerations`, out);
}

export const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** ValidatePodUpdate's spec rule, on defaulted new and old specs. */
export function validatePodSpecUpdate(spec: Obj, oldSpec: Obj, out: Causes): void {
  const munged: Obj = { ...spec };
  // Images may change: compare with the old images put back.
  for (const key of ['containers', 'initContainers']) {
    const cs = arr(spec[key]);
    const olds = arr(oldSpec[key]);
    if (Array.isArray(spec[key]) && cs.length === olds.length) munged[key] = cs.map((c, i) => ({ ...c, image: olds[i].image }));
  }
  // activeDeadlineSeconds may be set, or lowered, never raised or removed.
  const oldAds = oldSpec.activeDeadlineSeconds;
  const ads = spec.activeDeadlineSeconds;
  if (typeof oldAds === 'number') {
    if (ads === undefined || ads === null) out.push(fe.invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
    else if (typeof ads === 'number' && ads > oldAds) out.push(fe.invalid('spec.activeDeadlineSeconds', ads, 'must be less than or equal to previous value'));
  }
  munged.activeDeadlineSeconds = oldAds;
  // Tolerations may only be added; existing ones may only get a (shorter) tolerationSeconds.
  const oldTol = arr(oldSpec.tolerations);
  const newTol = arr(spec.tolerations);
  for (const ot of oldTol) {
    const same = newTol.some((nt) => deepEqual({ ...nt, tolerationSeconds: undefined }, { ...ot, tolerationSeconds: undefined }));
    if (!same) out.push(fe.forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds'));
  }
  munged.tolerations = oldSpec.tolerations;
  const oldGrace = oldSpec.terminationGracePeriodSeconds;
  if (typeof oldGrace === 'number' && oldGrace < 0 && spec.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = oldGrace;
  if (!deepEqual(munged, oldSpec)) out.push(fe.forbidden('spec', POD_UPDATE_FORBIDDEN));
}

/** A Pod: its spec, and on update the immutability rule. */
export function validatePod(pod: Obj, old: Obj | undefined, out: Causes): void {
  const spec = obj(pod.spec);
  validatePodSpec(spec, 'spec', out);
  if (old) validatePodSpecUpdate(spec, obj(old.spec), out);
}
