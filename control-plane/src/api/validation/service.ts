// Service defaulting (SetDefaults_Service plus what the registry fills in), validation
// (ValidateService) and the update rules: clusterIPs may not change once set.

import { fe, GoValue, goQuote, goStringSlice } from './errors.js';
import type { Causes } from './errors.js';
import { validateLabels } from './meta.js';
import { isDNS1123Label, isDNS1123Subdomain, isValidPortNum } from './names.js';
import { validatePortNumOrName } from './pod.js';
import { arr, child, isObj, obj, setDefault, str } from './util.js';
import type { Obj } from './util.js';

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const AFFINITIES = ['ClientIP', 'None'];
export const NODE_PORT_MIN = 30000;
export const NODE_PORT_MAX = 32767;

export function defaultService(svc: Obj): void {
  const spec = child(svc, 'spec');
  setDefault(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const timeout = obj(obj(spec.sessionAffinityConfig).clientIP).timeoutSeconds;
    if (typeof timeout !== 'number') spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  setDefault(spec, 'type', 'ClusterIP');
  for (const p of arr(spec.ports)) {
    if (!isObj(p)) continue;
    setDefault(p, 'protocol', 'TCP');
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  const type = spec.type;
  const externallyAccessible = type === 'LoadBalancer' || type === 'NodePort' || (type === 'ClusterIP' && arr(spec.externalIPs).length > 0);
  if (externallyAccessible) setDefault(spec, 'externalTrafficPolicy', 'Cluster');
  if (type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP') setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  if (type === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true);
  if (type !== 'ExternalName') {
    // The registry fills these when it allocates the ClusterIP; single-stack IPv4 is all we serve.
    if (typeof spec.clusterIP === 'string' && spec.clusterIP !== '' && !Array.isArray(spec.clusterIPs)) spec.clusterIPs = [spec.clusterIP];
    setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
    setDefault(spec, 'ipFamilies', ['IPv4']);
  }
}

/** %#v of core.ServicePort{Protocol, Port} as the duplicate-port cause prints it. */
function goServicePortKey(protocol: string, port: number): GoValue {
  return new GoValue(
    `core.ServicePort{Name:"", Protocol:${goQuote(protocol)}, AppProtocol:(*string)(nil), Port:${port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`,
  );
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:.]+$/;

export function validateService(svc: Obj, old: Obj | undefined, out: Causes): void {
  const spec = obj(svc.spec);
  const type = str(spec.type);
  const ports = arr(spec.ports);
  const headless = spec.clusterIP === 'None';
  if (type === '') out.push(fe.required('spec.type'));
  else if (!SERVICE_TYPES.includes(type)) out.push(fe.notSupported('spec.type', spec.type, SERVICE_TYPES));
  if (type === 'ExternalName') {
    const en = str(spec.externalName);
    if (en === '') out.push(fe.required('spec.externalName'));
    else for (const msg of isDNS1123Subdomain(en.endsWith('.') ? en.slice(0, -1) : en)) out.push(fe.invalid('spec.externalName', en, msg));
  }
  if (ports.length === 0 && !headless && type !== 'ExternalName') out.push(fe.required('spec.ports'));
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const pp = `spec.ports[${i}]`;
    const name = str(p.name);
    if (ports.length > 1 && name === '') out.push(fe.required(`${pp}.name`));
    if (name !== '') {
      for (const msg of isDNS1123Label(name)) out.push(fe.invalid(`${pp}.name`, name, msg));
      if (names.has(name)) out.push(fe.duplicate(`${pp}.name`, name));
      names.add(name);
    }
    for (const msg of isValidPortNum(Number(p.port))) out.push(fe.invalid(`${pp}.port`, p.port ?? 0, msg));
    if (str(p.protocol) === '') out.push(fe.required(`${pp}.protocol`));
    else if (!PROTOCOLS.includes(str(p.protocol))) out.push(fe.notSupported(`${pp}.protocol`, p.protocol, PROTOCOLS));
    validatePortNumOrName(p.targetPort, `${pp}.targetPort`, out);
    const np = p.nodePort;
    if (np !== undefined && np !== null && np !== 0) {
      const msgs = isValidPortNum(Number(np));
      for (const msg of msgs) out.push(fe.invalid(`${pp}.nodePort`, np, msg));
      if (type === 'ClusterIP') out.push(fe.forbidden(`${pp}.nodePort`, "may not be used when `type` is 'ClusterIP'"));
      else if (msgs.length === 0 && (type === 'NodePort' || type === 'LoadBalancer') && (Number(np) < NODE_PORT_MIN || Number(np) > NODE_PORT_MAX)) {
        out.push(fe.invalid(`${pp}.nodePort`, np, `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_MIN}-${NODE_PORT_MAX}`));
      }
    }
  });
  const nodePortKeys = new Set<string>();
  ports.forEach((p, i) => {
    if (!p.nodePort) return;
    const key = `${str(p.protocol)}/${p.nodePort}`;
    if (nodePortKeys.has(key)) out.push(fe.duplicate(`spec.ports[${i}].nodePort`, p.nodePort));
    nodePortKeys.add(key);
  });
  const portKeys = new Set<string>();
  ports.forEach((p, i) => {
    const key = `${str(p.protocol)}/${p.port}`;
    if (portKeys.has(key)) out.push(fe.duplicate(`spec.ports[${i}]`, goServicePortKey(str(p.protocol), Number(p.port))));
    portKeys.add(key);
  });
  validateLabels(spec.selector, 'spec.selector', out);
  if (spec.sessionAffinity !== undefined && !AFFINITIES.includes(str(spec.sessionAffinity))) out.push(fe.notSupported('spec.sessionAffinity', spec.sessionAffinity, AFFINITIES));
  if (spec.sessionAffinity === 'ClientIP') {
    const t = obj(obj(spec.sessionAffinityConfig).clientIP).timeoutSeconds;
    if (typeof t === 'number' && (t <= 0 || t > 86400)) {
      out.push(fe.invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', t, 'must be greater than 0 and less than 86400'));
    }
  }
  if (Array.isArray(spec.clusterIPs)) {
    (spec.clusterIPs as unknown[]).forEach((ip, i) => {
      const s = String(ip);
      if (s === 'None' || s === '') return;
      if (!IPV4.test(s) && !(s.includes(':') && IPV6.test(s))) out.push(fe.invalid(`spec.clusterIPs[${i}]`, s, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
    });
  }
  if (old) {
    const oldSpec = obj(old.spec);
    if (oldSpec.type !== 'ExternalName' && spec.type !== 'ExternalName') {
      const oldIPs = Array.isArray(oldSpec.clusterIPs) ? (oldSpec.clusterIPs as unknown[]) : [];
      const newIPs = Array.isArray(spec.clusterIPs) ? (spec.clusterIPs as unknown[]) : [];
      oldIPs.forEach((ip, i) => {
        if (i < newIPs.length && ip !== newIPs[i]) out.push(fe.invalid(`spec.clusterIPs[${i}]`, goStringSlice(newIPs), 'may not change once set'));
      });
    }
  }
}

/**
 * Carry allocated values over on update (the service registry's patchAllocatedValues): a PUT that
 * omits clusterIP or nodePorts keeps the old ones; changing only clusterIP updates clusterIPs[0].
 * Call before defaultObject/validateObject on update.
 */
export function prepareServiceUpdate(svc: Obj, old: Obj): void {
  const spec = child(svc, 'spec');
  const oldSpec = obj(old.spec);
  const needsIP = (s: Obj) => s.type !== 'ExternalName';
  if (needsIP(oldSpec) && needsIP(spec)) {
    if (!spec.clusterIP && oldSpec.clusterIP) spec.clusterIP = oldSpec.clusterIP;
    if (!Array.isArray(spec.clusterIPs) && Array.isArray(oldSpec.clusterIPs)) spec.clusterIPs = [...(oldSpec.clusterIPs as unknown[])];
    else if (
      Array.isArray(spec.clusterIPs) &&
      Array.isArray(oldSpec.clusterIPs) &&
      spec.clusterIP !== oldSpec.clusterIP &&
      JSON.stringify(spec.clusterIPs) === JSON.stringify(oldSpec.clusterIPs) &&
      (oldSpec.clusterIPs as unknown[])[0] === oldSpec.clusterIP
    ) {
      (spec.clusterIPs as unknown[])[0] = spec.clusterIP;
    }
  }
  dropTypeDependentFields(spec, oldSpec);
  const needsNodePort = (s: Obj) => s.type === 'NodePort' || s.type === 'LoadBalancer';
  if (needsNodePort(oldSpec) && needsNodePort(spec)) {
    const used = new Set(arr(spec.ports).map((p) => p.nodePort).filter((n) => n));
    const byName = new Map(arr(oldSpec.ports).map((p) => [str(p.name), p.nodePort]));
    for (const p of arr(spec.ports)) {
      if (p.nodePort) continue;
      const prev = byName.get(str(p.name));
      if (prev && !used.has(prev)) p.nodePort = prev;
    }
  }
}

/**
 * The registry's dropTypeDependentFields: a Service leaving a type wipes what that type had
 * allocated — the ClusterIP when it becomes ExternalName, node ports when it stops being
 * NodePort/LoadBalancer — as long as the client did not change those values itself. (The
 * allocator releases them once the update is stored.)
 */
function dropTypeDependentFields(spec: Obj, oldSpec: Obj): void {
  const needsIP = (s: Obj) => s.type !== 'ExternalName';
  if (needsIP(oldSpec) && !needsIP(spec)) {
    const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
    if (same(spec.clusterIP, oldSpec.clusterIP) && same(spec.clusterIPs, oldSpec.clusterIPs)) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (same(spec.ipFamilies, oldSpec.ipFamilies)) delete spec.ipFamilies;
    if (same(spec.ipFamilyPolicy, oldSpec.ipFamilyPolicy)) delete spec.ipFamilyPolicy;
  }
  const needsNodePort = (s: Obj) => s.type === 'NodePort' || s.type === 'LoadBalancer';
  if (needsNodePort(oldSpec) && !needsNodePort(spec)) {
    const old = new Set(arr(oldSpec.ports).map((p) => p.nodePort).filter((n) => n));
    const ports = arr(spec.ports);
    if (ports.every((p) => !p.nodePort || old.has(p.nodePort))) for (const p of ports) delete p.nodePort;
  }
}
