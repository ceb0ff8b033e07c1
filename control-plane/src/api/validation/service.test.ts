import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCES } from '../resources.js';
import { defaultObject, prepareForUpdate, validateObject } from './index.js';

const SVC = RESOURCES.find((r) => r.kind === 'Service')!;
const fields = (cs: Array<{ field?: string; message: string }>) => cs.map((c) => `${c.field}: ${c.message}`);

function svc(spec: Record<string, unknown>) {
  const s = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec } as Record<string, unknown>;
  defaultObject(SVC, s);
  return s;
}

test('service defaults: ClusterIP, None affinity, TCP, targetPort = port, policies, families', () => {
  const s = svc({ selector: { app: 'web' }, ports: [{ port: 80 }, { name: 'x', port: 81, targetPort: 'http' }] });
  assert.deepEqual(s.spec, {
    selector: { app: 'web' },
    ports: [
      { port: 80, protocol: 'TCP', targetPort: 80 },
      { name: 'x', port: 81, targetPort: 'http', protocol: 'TCP' },
    ],
    sessionAffinity: 'None',
    type: 'ClusterIP',
    internalTrafficPolicy: 'Cluster',
    ipFamilyPolicy: 'SingleStack',
    ipFamilies: ['IPv4'],
  });
  const np = svc({ type: 'NodePort', sessionAffinity: 'ClientIP', clusterIP: '10.96.0.9', ports: [{ port: 80, nodePort: 30080 }] });
  const spec = np.spec as Record<string, unknown>;
  assert.deepEqual(spec.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
  assert.equal(spec.externalTrafficPolicy, 'Cluster');
  assert.deepEqual(spec.clusterIPs, ['10.96.0.9']);
  const lb = svc({ type: 'LoadBalancer', ports: [{ port: 80 }] });
  assert.equal((lb.spec as Record<string, unknown>).allocateLoadBalancerNodePorts, true);
  const ext = svc({ type: 'ExternalName', externalName: 'example.com' });
  assert.equal((ext.spec as Record<string, unknown>).ipFamilies, undefined);
  assert.deepEqual(validateObject(SVC, ext), []);
});

test('valid NodePort service passes', () => {
  assert.deepEqual(validateObject(SVC, svc({ type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080, nodePort: 30080 }] })), []);
});

test('ports: required, names when several, range, protocol, duplicates, nodePort range', () => {
  assert.deepEqual(fields(validateObject(SVC, svc({}))), ['spec.ports: Required value']);
  assert.deepEqual(validateObject(SVC, svc({ clusterIP: 'None' })), []);
  const s = svc({
    type: 'NodePort',
    ports: [
      { name: 'a', port: 80, nodePort: 80 },
      { port: 70000, protocol: 'ICMP' },
      { name: 'a', port: 80, targetPort: 'Bad_Port' },
    ],
  });
  assert.deepEqual(fields(validateObject(SVC, s)), [
    'spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767',
    'spec.ports[1].name: Required value',
    'spec.ports[1].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
    'spec.ports[1].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.ports[2].name: Duplicate value: "a"',
    'spec.ports[2].targetPort: Invalid value: "Bad_Port": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    'spec.ports[2]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
  ]);
});

test('type values, nodePort on ClusterIP, selector syntax', () => {
  assert.deepEqual(fields(validateObject(SVC, svc({ type: 'Magic', ports: [{ port: 80 }] }))), [
    'spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
  ]);
  assert.deepEqual(fields(validateObject(SVC, svc({ ports: [{ port: 80, nodePort: 30001 }] }))), ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]);
  assert.equal(validateObject(SVC, svc({ selector: { 'a b': 'c' }, ports: [{ port: 80 }] }))[0].field, 'spec.selector');
});

test('clusterIP is immutable on update; omitted allocated values are carried over', () => {
  const old = svc({ clusterIP: '10.96.0.10', type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30080 }] });
  const changed = svc({ clusterIP: '10.96.0.99', type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30080 }] });
  assert.deepEqual(validateObject(SVC, changed, old), [
    { reason: 'FieldValueInvalid', message: 'Invalid value: []string{"10.96.0.99"}: may not change once set', field: 'spec.clusterIPs[0]' },
  ]);
  // A PUT without clusterIP/nodePort keeps the allocated ones.
  const put = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { type: 'NodePort', ports: [{ name: 'http', port: 80 }] } } as Record<string, unknown>;
  prepareForUpdate(SVC, put, old);
  defaultObject(SVC, put);
  const spec = put.spec as Record<string, any>;
  assert.equal(spec.clusterIP, '10.96.0.10');
  assert.deepEqual(spec.clusterIPs, ['10.96.0.10']);
  assert.equal(spec.ports[0].nodePort, 30080);
  assert.deepEqual(validateObject(SVC, put, old), []);
  // Changing only clusterIP (as a merge patch does) is caught through clusterIPs[0].
  const patched = structuredClone(old);
  (patched.spec as Record<string, unknown>).clusterIP = '10.96.0.11';
  prepareForUpdate(SVC, patched, old);
  assert.equal(validateObject(SVC, patched, old)[0].message, 'Invalid value: []string{"10.96.0.11"}: may not change once set');
});
