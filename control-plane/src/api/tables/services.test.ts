import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endpointSlicePrinter, endpointsPrinter, servicePrinter } from './services.js';

const now = new Date('2026-03-01T12:00:00Z');
const md = (name: string) => ({ name, namespace: 'default', creationTimestamp: '2026-03-01T11:59:15Z' });

test('NodePort service: 80:30080/TCP, selector in the wide column', () => {
  const svc = {
    metadata: md('web'),
    spec: {
      type: 'NodePort',
      clusterIP: '10.96.0.15',
      clusterIPs: ['10.96.0.15'],
      selector: { tier: 'front', app: 'web' },
      ports: [
        { name: 'http', port: 80, targetPort: 8080, nodePort: 30080, protocol: 'TCP' },
        { name: 'dns', port: 53, targetPort: 53, nodePort: 30053, protocol: 'UDP' },
      ],
    },
  };
  assert.deepEqual(servicePrinter.cells(svc, now), ['web', 'NodePort', '10.96.0.15', '<none>', '80:30080/TCP,53:30053/UDP', '45s', 'app=web,tier=front']);
  assert.deepEqual(servicePrinter.columns.map((c) => c.name), ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector']);
});

test('ClusterIP, headless, LoadBalancer pending, ExternalName', () => {
  const base = (spec: Record<string, unknown>, status: Record<string, unknown> = {}) => ({ metadata: md('s'), spec, status });
  assert.deepEqual(servicePrinter.cells(base({ type: 'ClusterIP', clusterIPs: ['10.96.0.1'], ports: [{ port: 443, protocol: 'TCP' }] }), now).slice(1, 5), ['ClusterIP', '10.96.0.1', '<none>', '443/TCP']);
  assert.deepEqual(servicePrinter.cells(base({ type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'] }), now).slice(2, 5), ['None', '<none>', '<none>']);
  assert.equal(servicePrinter.cells(base({ type: 'LoadBalancer', clusterIPs: ['10.96.0.2'], ports: [{ port: 80, nodePort: 31000, protocol: 'TCP' }] }), now)[3], '<pending>');
  assert.equal(servicePrinter.cells(base({ type: 'LoadBalancer', clusterIPs: ['10.96.0.2'] }, { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } }), now)[3], '192.0.2.10');
  assert.equal(servicePrinter.cells(base({ type: 'ExternalName', externalName: 'example.com' }), now)[3], 'example.com');
  assert.equal(servicePrinter.cells(base({ type: 'ClusterIP', clusterIPs: ['10.96.0.3'], externalIPs: ['1.2.3.4'] }), now)[3], '1.2.3.4');
  assert.equal(servicePrinter.cells(base({ type: 'ClusterIP' }), now)[6], '<none>');
});

test('endpoints: ip:port pairs, "+ N more...", <none>', () => {
  const ep = {
    metadata: md('web'),
    subsets: [{ addresses: [{ ip: '10.244.0.5' }, { ip: '10.244.1.7' }], ports: [{ port: 8080, protocol: 'TCP' }] }],
  };
  assert.deepEqual(endpointsPrinter.cells(ep, now), ['web', '10.244.0.5:8080,10.244.1.7:8080', '45s']);
  const many = { metadata: md('web'), subsets: [{ addresses: [1, 2, 3, 4, 5].map((i) => ({ ip: `10.0.0.${i}` })), ports: [{ port: 80 }] }] };
  assert.equal(endpointsPrinter.cells(many, now)[1], '10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more...');
  assert.equal(endpointsPrinter.cells({ metadata: md('x') }, now)[1], '<none>');
  assert.equal(endpointsPrinter.cells({ metadata: md('h'), subsets: [{ addresses: [{ ip: '10.0.0.9' }] }] }, now)[1], '10.0.0.9');
});

test('endpointslices: ADDRESSTYPE PORTS ENDPOINTS', () => {
  const es = {
    metadata: md('web-abc12'),
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints: [{ addresses: ['10.244.0.5'] }, { addresses: ['10.244.1.7'] }],
  };
  assert.deepEqual(endpointSlicePrinter.cells(es, now), ['web-abc12', 'IPv4', '8080', '10.244.0.5,10.244.1.7', '45s']);
  assert.deepEqual(endpointSlicePrinter.cells({ metadata: md('e'), addressType: 'IPv4' }, now).slice(2, 4), ['<unset>', '<unset>']);
});
