import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCES } from '../resources.js';
import { defaultObject, validateObject } from './index.js';
import { defaultPullPolicy } from './pod-defaults.js';
import { POD_UPDATE_FORBIDDEN } from './pod.js';

const POD = RESOURCES.find((r) => r.kind === 'Pod')!;

function pod(spec: Record<string, unknown>, name = 'web') {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec } as Record<string, unknown>;
}

function defaulted(spec: Record<string, unknown>) {
  const p = pod(spec);
  defaultObject(POD, p);
  return p;
}

const fields = (cs: Array<{ field?: string; message: string }>) => cs.map((c) => `${c.field}: ${c.message}`);

test('pod defaults as kube-apiserver stores them', () => {
  const p = defaulted({
    containers: [
      {
        name: 'app',
        image: 'registry.local/web:1.2',
        ports: [{ containerPort: 8080 }],
        resources: { limits: { cpu: '500m', memory: '64Mi' } },
        livenessProbe: { httpGet: { port: 8080 } },
      },
      { name: 'side', image: 'busybox' },
    ],
  });
  const spec = p.spec as Record<string, any>;
  assert.equal(spec.restartPolicy, 'Always');
  assert.equal(spec.dnsPolicy, 'ClusterFirst');
  assert.equal(spec.schedulerName, 'default-scheduler');
  assert.equal(spec.terminationGracePeriodSeconds, 30);
  assert.deepEqual(spec.securityContext, {});
  assert.equal(spec.enableServiceLinks, true);
  assert.equal(spec.priority, 0);
  assert.equal(spec.preemptionPolicy, 'PreemptLowerPriority');
  assert.equal(spec.serviceAccountName, 'default');
  assert.equal(spec.serviceAccount, 'default');
  assert.deepEqual(spec.tolerations, [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ]);
  const [app, side] = spec.containers;
  assert.equal(app.imagePullPolicy, 'IfNotPresent');
  assert.equal(side.imagePullPolicy, 'Always');
  assert.equal(app.terminationMessagePath, '/dev/termination-log');
  assert.equal(app.terminationMessagePolicy, 'File');
  assert.deepEqual(app.ports, [{ containerPort: 8080, protocol: 'TCP' }]);
  assert.deepEqual(app.resources, { limits: { cpu: '500m', memory: '64Mi' }, requests: { cpu: '500m', memory: '64Mi' } });
  assert.deepEqual(side.resources, {});
  assert.deepEqual(app.livenessProbe, { httpGet: { port: 8080, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
  assert.deepEqual(p.status, { phase: 'Pending', qosClass: 'Burstable' });
  assert.deepEqual(validateObject(POD, p), []);
});

test('existing tolerations for not-ready/unreachable are kept, not duplicated', () => {
  const p = defaulted({ containers: [{ name: 'a', image: 'x:1' }], tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }] });
  const tol = (p.spec as Record<string, any>).tolerations;
  assert.equal(tol.length, 2);
  assert.equal(tol[0].tolerationSeconds, 5);
  assert.equal(tol[1].key, 'node.kubernetes.io/unreachable');
  const all = defaulted({ containers: [{ name: 'a', image: 'x:1' }], tolerations: [{ operator: 'Exists' }] });
  assert.equal((all.spec as Record<string, any>).tolerations.length, 1);
});

test('imagePullPolicy default by tag', () => {
  assert.equal(defaultPullPolicy('nginx'), 'Always');
  assert.equal(defaultPullPolicy('nginx:latest'), 'Always');
  assert.equal(defaultPullPolicy('localhost:5000/nginx'), 'Always');
  assert.equal(defaultPullPolicy('localhost:5000/nginx:1.2'), 'IfNotPresent');
  assert.equal(defaultPullPolicy('nginx@sha256:abc'), 'IfNotPresent');
});

test('qosClass: Guaranteed and BestEffort', () => {
  const g = defaulted({ containers: [{ name: 'a', image: 'x:1', resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1000m' } } }] });
  assert.equal((g.status as Record<string, unknown>).qosClass, 'Guaranteed');
  const b = defaulted({ containers: [{ name: 'a', image: 'x:1' }] });
  assert.equal((b.status as Record<string, unknown>).qosClass, 'BestEffort');
});

test('containers required (the message kubectl prints for an empty pod)', () => {
  assert.deepEqual(validateObject(POD, defaulted({})), [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' }]);
});

test('container name, image, duplicate names across init containers', () => {
  const p = defaulted({
    containers: [{ name: 'Web', image: 'x:1' }, { name: 'b' }, { name: 'b', image: 'y:1' }],
    initContainers: [{ name: 'b', image: 'z:1' }],
  });
  assert.deepEqual(fields(validateObject(POD, p)), [
    "spec.containers[0].name: Invalid value: \"Web\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    'spec.containers[1].image: Required value',
    'spec.containers[2].name: Duplicate value: "b"',
    'spec.initContainers[0].name: Duplicate value: "b"',
  ]);
  assert.equal(validateObject(POD, p)[2].reason, 'FieldValueDuplicate');
});

test('restartPolicy and imagePullPolicy unsupported values', () => {
  const p = defaulted({ restartPolicy: 'Sometimes', containers: [{ name: 'a', image: 'x:1', imagePullPolicy: 'ifNotPresent' }] });
  assert.deepEqual(validateObject(POD, p), [
    { reason: 'FieldValueNotSupported', message: 'Unsupported value: "ifNotPresent": supported values: "Always", "IfNotPresent", "Never"', field: 'spec.containers[0].imagePullPolicy' },
    { reason: 'FieldValueNotSupported', message: 'Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"', field: 'spec.restartPolicy' },
  ]);
});

test('container ports: range, duplicate names, protocol', () => {
  const p = defaulted({
    containers: [{ name: 'a', image: 'x:1', ports: [{ name: 'http', containerPort: 70000 }, { name: 'http', containerPort: 80, protocol: 'ICMP' }, { containerPort: 0 }, { name: 'Bad_Name', containerPort: 81 }] }],
  });
  assert.deepEqual(fields(validateObject(POD, p)), [
    'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.containers[0].ports[1].name: Duplicate value: "http"',
    'spec.containers[0].ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
    'spec.containers[0].ports[2].containerPort: Required value',
    'spec.containers[0].ports[3].name: Invalid value: "Bad_Name": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
  ]);
});

test('resources: unparsable quantity, request above limit, unknown resource', () => {
  const p = defaulted({
    containers: [
      { name: 'a', image: 'x:1', resources: { limits: { cpu: '1' }, requests: { cpu: '2', memory: '12 Mi' } } },
      { name: 'b', image: 'x:1', resources: { requests: { gpu: '1', memory: '-1' } } },
    ],
  });
  assert.deepEqual(fields(validateObject(POD, p)), [
    'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
    "spec.containers[0].resources.requests[memory]: Invalid value: \"12 Mi\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    'spec.containers[1].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource for containers',
    'spec.containers[1].resources.requests[memory]: Invalid value: "-1": must be greater than or equal to 0',
  ]);
});

test('probes need exactly one handler', () => {
  const p = defaulted({
    containers: [
      { name: 'a', image: 'x:1', readinessProbe: { periodSeconds: 5 }, livenessProbe: { exec: { command: ['true'] }, tcpSocket: { port: 80 } } },
      { name: 'b', image: 'x:1', livenessProbe: { tcpSocket: { port: 80 }, successThreshold: 2 } },
    ],
  });
  assert.deepEqual(fields(validateObject(POD, p)), [
    'spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type',
    'spec.containers[0].readinessProbe: Required value: must specify a handler type',
    'spec.containers[1].livenessProbe.successThreshold: Invalid value: 2: must be 1',
  ]);
});

test('volumes: unique names, a source, mounts must name a volume', () => {
  const p = defaulted({
    volumes: [{ name: 'data', emptyDir: {} }, { name: 'data', emptyDir: {} }, { name: 'cfg' }],
    containers: [{ name: 'a', image: 'x:1', volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'nope', mountPath: '/nope' }, { name: 'data', mountPath: '/data' }] }],
  });
  assert.deepEqual(fields(validateObject(POD, p)), [
    'spec.volumes[1].name: Duplicate value: "data"',
    'spec.volumes[2]: Required value: must specify a volume type',
    'spec.containers[0].volumeMounts[1].name: Not found: "nope"',
    'spec.containers[0].volumeMounts[2].mountPath: Invalid value: "/data": must be unique',
  ]);
});

test('pod update: image changes allowed, anything else forbidden', () => {
  const old = defaulted({ containers: [{ name: 'a', image: 'x:1' }] });
  const newImage = structuredClone(old);
  ((newImage.spec as Record<string, any>).containers[0]).image = 'x:2';
  assert.deepEqual(validateObject(POD, newImage, old), []);
  const addedToleration = structuredClone(old);
  (addedToleration.spec as Record<string, any>).tolerations.push({ key: 'k', operator: 'Exists', effect: 'NoSchedule' });
  assert.deepEqual(validateObject(POD, addedToleration, old), []);
  const newPort = structuredClone(old);
  ((newPort.spec as Record<string, any>).containers[0]).ports = [{ containerPort: 80, protocol: 'TCP' }];
  assert.deepEqual(validateObject(POD, newPort, old), [{ reason: 'FieldValueForbidden', message: `Forbidden: ${POD_UPDATE_FORBIDDEN}`, field: 'spec' }]);
  assert.match(POD_UPDATE_FORBIDDEN, /^pod updates may not change fields other than `spec.containers\[\*\].image`,/);
  const ads = structuredClone(old);
  (ads.spec as Record<string, any>).activeDeadlineSeconds = 30;
  assert.deepEqual(validateObject(POD, ads, old), []);
  const raised = structuredClone(ads);
  (raised.spec as Record<string, any>).activeDeadlineSeconds = 60;
  assert.deepEqual(fields(validateObject(POD, raised, ads)), ['spec.activeDeadlineSeconds: Invalid value: 60: must be less than or equal to previous value']);
  const labels = structuredClone(old);
  (labels.metadata as Record<string, any>).labels = { a: 'b' };
  assert.deepEqual(validateObject(POD, labels, old), []);
  // status updates do not re-check the spec
  assert.deepEqual(validateObject(POD, newPort, old, { subresource: 'status' }), []);
});
