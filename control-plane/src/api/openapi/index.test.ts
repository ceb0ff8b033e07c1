import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { findKind, groupVersion, RESOURCES } from '../resources.js';
import { gvPath, openapiV3Document, openapiV3DocumentJSON, openapiV3Index, unknownFields } from './index.js';

type Json = Record<string, any>;

/** kubectl's supportsQueryParamV3 (k8s.io/cli-runtime resource/query_param_verifier_v3.go), in TS. */
function supportsFieldValidation(doc: Json, g: string, v: string, k: string): boolean {
  for (const path of Object.values(doc.paths as Json)) {
    const op = path.patch;
    if (!op) continue;
    const gvk = op['x-kubernetes-group-version-kind'];
    if (!gvk || gvk.group !== g || gvk.version !== v || gvk.kind !== k) continue;
    return (op.parameters as Json[]).some((p) => p.name === 'fieldValidation' && p.in === 'query');
  }
  return false;
}

describe('OpenAPI v3 index', () => {
  it('lists every group-version with a content hash that matches the document', () => {
    const idx = openapiV3Index() as Json;
    const gvs = new Set(RESOURCES.map(gvPath));
    assert.deepEqual(new Set(Object.keys(idx.paths)), gvs);
    for (const gv of gvs) {
      const url = new URL(idx.paths[gv].serverRelativeURL, 'http://x');
      assert.equal(url.pathname, `/openapi/v3/${gv}`);
      const d = openapiV3DocumentJSON(gv)!;
      assert.equal(url.searchParams.get('hash'), createHash('sha512').update(d.json).digest('hex').toUpperCase());
      assert.deepEqual(JSON.parse(d.json), openapiV3Document(gv));
    }
    assert.equal(openapiV3Index(), openapiV3Index(), 'precomputed once');
  });
  it('unknown group-versions have no document; slashes are tolerated', () => {
    assert.equal(openapiV3Document('apis/nope/v1'), undefined);
    assert.ok(openapiV3Document('/api/v1'));
  });
});

describe('OpenAPI v3 documents', () => {
  it('every patchable kind has a PATCH operation with its GVK and a fieldValidation parameter (kubectl --validate=strict)', () => {
    for (const r of RESOURCES) {
      const doc = openapiV3Document(gvPath(r)) as Json;
      assert.equal(doc.openapi, '3.0.0');
      if (r.verbs.includes('patch')) assert.ok(supportsFieldValidation(doc, r.group, r.version, r.kind), `${groupVersion(r)} ${r.kind}`);
    }
  });
  it('every kind has a schema tagged with its GVK, and every $ref resolves inside the document', () => {
    for (const gv of new Set(RESOURCES.map(gvPath))) {
      const doc = openapiV3Document(gv) as Json;
      const schemas = doc.components.schemas as Json;
      for (const r of RESOURCES.filter((x) => gvPath(x) === gv)) {
        const hit = Object.values(schemas).find((s: Json) =>
          s['x-kubernetes-group-version-kind']?.some((g: Json) => g.group === r.group && g.version === r.version && g.kind === r.kind));
        assert.ok(hit, `schema for ${r.kind}`);
        assert.ok(hit.properties.metadata && hit.properties.apiVersion && hit.properties.kind, r.kind);
      }
      const refs = JSON.stringify(doc).match(/"\$ref":"#\/components\/schemas\/[^"]+"/g) ?? [];
      for (const ref of refs) assert.ok(schemas[ref.slice(29, -1)], `${gv}: dangling ${ref}`);
    }
  });
  it('the Pod schema describes the real fields, with strategic-merge extensions', () => {
    const s = (openapiV3Document('api/v1') as Json).components.schemas as Json;
    const spec = s['io.k8s.api.core.v1.PodSpec'].properties;
    for (const f of ['containers', 'initContainers', 'volumes', 'restartPolicy', 'nodeName', 'tolerations', 'affinity', 'securityContext']) assert.ok(spec[f], f);
    assert.equal(spec.containers['x-kubernetes-patch-merge-key'], 'name');
    assert.equal(spec.volumes['x-kubernetes-patch-strategy'], 'merge,retainKeys');
    assert.equal(spec.tolerations['x-kubernetes-patch-merge-key'], undefined);
    const c = s['io.k8s.api.core.v1.Container'].properties;
    for (const f of ['image', 'ports', 'env', 'resources', 'livenessProbe', 'readinessProbe', 'lifecycle', 'volumeMounts', 'command', 'args']) assert.ok(c[f], f);
    assert.equal(c.ports['x-kubernetes-patch-merge-key'], 'containerPort');
    assert.deepEqual(s['io.k8s.api.core.v1.ContainerPort'].properties.containerPort, {
      type: 'integer', format: 'int32', description: "Number of port to expose on the pod's IP address. This must be a valid port number, 0 < x < 65536.",
    });
    assert.deepEqual(s['io.k8s.api.core.v1.ServicePort'].properties.targetPort.allOf, [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString' }]);
    assert.equal(s['io.k8s.apimachinery.pkg.util.intstr.IntOrString']['x-kubernetes-int-or-string'], true);
    assert.ok(s['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'].properties.ownerReferences);
  });
});

describe('unknownFields', () => {
  const POD = findKind('v1', 'Pod')!;
  it('reports typos with Kubernetes-style paths, at any depth', () => {
    const pod = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { 'any-key': 'ok' }, nmae: 'x' },
      spec: {
        containers: [
          { name: 'a', image: 'x' },
          { name: 'b', imagee: 'x', ports: [{ containerPort: 80, protocl: 'TCP' }], resources: { limits: { cpu: '1', 'example.com/gpu': '1' } } },
        ],
        volumes: [{ name: 'v', emptyDir: { medium: 'Memory', sizeLimitt: '1Gi' } }],
      },
      extra: true,
    };
    assert.deepEqual(unknownFields(POD, pod), [
      'metadata.nmae',
      'spec.containers[1].imagee',
      'spec.containers[1].ports[0].protocl',
      'spec.volumes[0].emptyDir.sizeLimitt',
      'extra',
    ]);
  });
  it('accepts a realistic manifest of each common kind', () => {
    const dep = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', annotations: { a: 'b' } },
      spec: {
        replicas: 2, selector: { matchLabels: { app: 'd' } }, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
        template: {
          metadata: { labels: { app: 'd' } },
          spec: {
            containers: [{
              name: 'm', image: 'nginx', env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
              livenessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 5 }, lifecycle: { preStop: { exec: { command: ['sleep', '1'] } } },
            }],
            tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }],
          },
        },
      },
      status: { replicas: 2, conditions: [{ type: 'Available', status: 'True', lastUpdateTime: '2026-01-01T00:00:00Z' }] },
    };
    assert.deepEqual(unknownFields(findKind('apps/v1', 'Deployment')!, dep), []);
    assert.deepEqual(unknownFields(findKind('v1', 'ConfigMap')!, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { 'any.key': 'v' } }), []);
    assert.deepEqual(unknownFields(findKind('v1', 'Service')!, { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 'http' }], selector: { a: 'b' }, tyype: 'x' } }), ['spec.tyype']);
    // RawExtension data is open.
    assert.deepEqual(unknownFields(findKind('apps/v1', 'ControllerRevision')!, { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'r' }, revision: 1, data: { whatever: { deep: 1 } } }), []);
    assert.deepEqual(unknownFields(findKind('apps/v1', 'Deployment')!, { ...dep, spec: { ...dep.spec, template: { spec: { containers: [{ name: 'm', imagePullPolicyy: 'x' }] } } } }),
      ['spec.template.spec.containers[0].imagePullPolicyy']);
  });
});
