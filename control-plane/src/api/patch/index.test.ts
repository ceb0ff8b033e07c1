import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findKind, type ResourceInfo } from '../resources.js';
import { ApiError } from '../status.js';
import { K8S_TYPES } from '../openapi/catalog.js';
import { applyPatch, isSupportedPatchType } from './index.js';
import { PATCH_META } from './merge-keys.js';

const SMP = 'application/strategic-merge-patch+json';
const MERGE = 'application/merge-patch+json';
const JSONP = 'application/json-patch+json';
const APPLY = 'application/apply-patch+yaml';

const kind = (apiVersion: string, k: string): ResourceInfo => findKind(apiVersion, k)!;
const POD = kind('v1', 'Pod');
const DEPLOY = kind('apps/v1', 'Deployment');
const NODE = kind('v1', 'Node');
const SVC = kind('v1', 'Service');

function pod(): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'web',
      namespace: 'default',
      labels: { app: 'web' },
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"old":true}' },
      finalizers: ['a/x', 'b/y'],
    },
    spec: {
      containers: [
        {
          name: 'main',
          image: 'nginx:1.27',
          ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443, protocol: 'TCP' }],
          env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }, { name: 'C', value: '3' }],
          volumeMounts: [{ name: 'data', mountPath: '/data' }],
        },
        { name: 'sidecar', image: 'busybox', args: ['sleep', '1d'] },
      ],
      volumes: [{ name: 'data', emptyDir: {} }],
      tolerations: [{ key: 'k1', operator: 'Exists' }],
      restartPolicy: 'Always',
    },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }, { type: 'PodScheduled', status: 'True' }] },
  };
}

function deployment(): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', namespace: 'default' },
    spec: {
      replicas: 2,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      selector: { matchLabels: { app: 'd' } },
      template: {
        metadata: { labels: { app: 'd' } },
        spec: { containers: [{ name: 'main', image: 'nginx:1', env: [{ name: 'X', value: 'x' }] }, { name: 'log', image: 'fluent:1' }] },
      },
    },
  };
}

const spec = (o: Record<string, unknown>) => o.spec as any;

function assertApiError(fn: () => unknown, code: number, re: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ApiError, `expected ApiError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, re);
    return true;
  });
}

describe('content types', () => {
  it('knows the four patch types, with or without parameters', () => {
    for (const t of [SMP, MERGE, JSONP, APPLY, 'application/merge-patch+json; charset=utf-8', 'Application/JSON-Patch+JSON']) assert.ok(isSupportedPatchType(t), t);
    assert.ok(!isSupportedPatchType('application/json'));
    assert.ok(!isSupportedPatchType(''));
  });
  it('415 lists the supported types', () => {
    assertApiError(() => applyPatch('application/json', pod(), '{}', POD), 415, /merge-patch\+json.*strategic-merge-patch\+json|strategic.*merge-patch/);
  });
});

describe('strategic merge patch', () => {
  it('kubectl apply (second apply): $setElementOrder/containers + changed image keeps other fields and order', () => {
    const cur = pod();
    const before = structuredClone(cur);
    const body = JSON.stringify({
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"new":true}' }, labels: { tier: 'web' } },
      spec: { '$setElementOrder/containers': [{ name: 'main' }, { name: 'sidecar' }], containers: [{ image: 'nginx:1.28', name: 'main' }] },
    });
    const out = applyPatch(SMP, cur, body, POD);
    assert.deepEqual(cur, before, 'current must not be mutated');
    const cs = spec(out).containers;
    assert.deepEqual(cs.map((c: any) => c.name), ['main', 'sidecar']);
    assert.equal(cs[0].image, 'nginx:1.28');
    assert.deepEqual(cs[0].ports, before.spec && (before.spec as any).containers[0].ports);
    assert.equal(cs[0].env.length, 3);
    assert.equal(cs[1].image, 'busybox');
    assert.deepEqual((out.metadata as any).labels, { app: 'web', tier: 'web' });
    assert.equal((out.metadata as any).annotations['kubectl.kubernetes.io/last-applied-configuration'], '{"new":true}');
    assert.equal((out.status as any).phase, 'Running');
  });

  it('kubectl apply reorders containers per $setElementOrder and adds a new one where the order says', () => {
    const body = {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'log' }, { name: 'proxy' }, { name: 'main' }],
            containers: [{ name: 'proxy', image: 'envoy:1' }],
          },
        },
      },
    };
    const out = applyPatch(SMP, deployment(), JSON.stringify(body), DEPLOY);
    const cs = spec(out).template.spec.containers;
    assert.deepEqual(cs.map((c: any) => c.name), ['log', 'proxy', 'main']);
    assert.equal(cs[2].env[0].name, 'X', 'main keeps its env');
  });

  it('without $setElementOrder, a new list item goes first (as Kubernetes does: docs "kubectl patch" patch-demo-ctr-2)', () => {
    const out = applyPatch(SMP, pod(), JSON.stringify({ spec: { containers: [{ name: 'new', image: 'x' }] } }), POD);
    assert.deepEqual(spec(out).containers.map((c: any) => c.name), ['new', 'main', 'sidecar']);
  });

  it('kubectl set image on a Deployment merges into spec.template.spec.containers by name', () => {
    const body = '{"spec":{"template":{"spec":{"containers":[{"image":"nginx:2","name":"main"}]}}}}';
    const out = applyPatch(SMP, deployment(), body, DEPLOY);
    const cs = spec(out).template.spec.containers;
    assert.equal(cs.length, 2);
    assert.equal(cs[0].image, 'nginx:2');
    assert.deepEqual(cs[0].env, [{ name: 'X', value: 'x' }]);
    assert.equal(cs[1].image, 'fluent:1');
  });

  it('kubectl rollout restart adds a template annotation', () => {
    const body = '{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-11-28T10:00:00Z"}}}}}';
    const out = applyPatch(SMP, deployment(), body, DEPLOY);
    assert.deepEqual(spec(out).template.metadata, { labels: { app: 'd' }, annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-28T10:00:00Z' } });
  });

  it('deletes an env var with $patch: delete (as kubectl apply/edit send it)', () => {
    const body = {
      spec: {
        containers: [
          { name: 'main', '$setElementOrder/env': [{ name: 'A' }, { name: 'C' }], env: [{ $patch: 'delete', name: 'B' }] },
        ],
      },
    };
    const out = applyPatch(SMP, pod(), JSON.stringify(body), POD);
    assert.deepEqual(spec(out).containers[0].env, [{ name: 'A', value: '1' }, { name: 'C', value: '3' }]);
  });

  it('merges container ports by containerPort and service ports by port', () => {
    const out = applyPatch(SMP, pod(), JSON.stringify({ spec: { containers: [{ name: 'main', ports: [{ containerPort: 443, name: 'https' }, { containerPort: 8080 }] }] } }), POD);
    assert.deepEqual(spec(out).containers[0].ports, [
      { containerPort: 80, protocol: 'TCP' },
      { containerPort: 443, protocol: 'TCP', name: 'https' },
      { containerPort: 8080 },
    ]);
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443, targetPort: 8443 }], selector: { app: 'a' } } };
    const s2 = applyPatch(SMP, svc, JSON.stringify({ spec: { ports: [{ port: 80, targetPort: 9090 }] } }), SVC);
    assert.deepEqual(spec(s2).ports, [{ port: 80, targetPort: 9090 }, { port: 443, targetPort: 8443 }]);
  });

  it('replaces lists that have no merge key (tolerations, args)', () => {
    const out = applyPatch(SMP, pod(), JSON.stringify({ spec: { tolerations: [{ key: 'k2', operator: 'Exists' }], containers: [{ name: 'sidecar', args: ['sleep', '2d'] }] } }), POD);
    assert.deepEqual(spec(out).tolerations, [{ key: 'k2', operator: 'Exists' }]);
    assert.deepEqual(spec(out).containers[1].args, ['sleep', '2d']);
  });

  it('kubectl cordon sets spec.unschedulable on a Node', () => {
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: { podCIDR: '10.0.0.0/24' } };
    const out = applyPatch(SMP, node, '{"spec":{"unschedulable":true}}', NODE);
    assert.deepEqual(out.spec, { podCIDR: '10.0.0.0/24', unschedulable: true });
    const back = applyPatch(SMP, out, '{"spec":{"unschedulable":null}}', NODE);
    assert.deepEqual(back.spec, { podCIDR: '10.0.0.0/24' });
  });

  it('finalizers are a set: union, and $deleteFromPrimitiveList removes', () => {
    const out = applyPatch(SMP, pod(), '{"metadata":{"finalizers":["b/y","c/z"]}}', POD);
    assert.deepEqual((out.metadata as any).finalizers, ['a/x', 'b/y', 'c/z']);
    const out2 = applyPatch(SMP, out, '{"metadata":{"$deleteFromPrimitiveList/finalizers":["a/x"]}}', POD);
    assert.deepEqual((out2.metadata as any).finalizers, ['b/y', 'c/z']);
  });

  it('$retainKeys drops the fields of the old union member (deployment strategy, volume source)', () => {
    const body = { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } };
    const out = applyPatch(SMP, deployment(), JSON.stringify(body), DEPLOY);
    assert.deepEqual(spec(out).strategy, { type: 'Recreate' });
    const vol = { spec: { volumes: [{ name: 'data', $retainKeys: ['configMap', 'name'], configMap: { name: 'cm' } }] } };
    const out2 = applyPatch(SMP, pod(), JSON.stringify(vol), POD);
    assert.deepEqual(spec(out2).volumes, [{ name: 'data', configMap: { name: 'cm' } }]);
  });

  it('$patch: replace on a map and in a list; $patch: delete on a map', () => {
    const out = applyPatch(SMP, pod(), JSON.stringify({ metadata: { labels: { $patch: 'replace', only: 'this' } } }), POD);
    assert.deepEqual((out.metadata as any).labels, { only: 'this' });
    const out2 = applyPatch(SMP, pod(), JSON.stringify({ spec: { containers: [{ name: 'solo', image: 'x' }, { $patch: 'replace' }] } }), POD);
    assert.deepEqual(spec(out2).containers, [{ name: 'solo', image: 'x' }]);
    // As in Kubernetes: an existing map becomes {}, an absent one is not created.
    const out3 = applyPatch(SMP, pod(), JSON.stringify({ metadata: { annotations: { $patch: 'delete' } }, spec: { dnsConfig: { $patch: 'delete' } } }), POD);
    assert.deepEqual((out3.metadata as any).annotations, {});
    assert.ok(!('dnsConfig' in spec(out3)));
  });

  it('status conditions merge by type', () => {
    const out = applyPatch(SMP, pod(), JSON.stringify({ status: { conditions: [{ type: 'Ready', status: 'False' }] } }), POD);
    assert.deepEqual((out.status as any).conditions, [{ type: 'Ready', status: 'False' }, { type: 'PodScheduled', status: 'True' }]);
  });

  it('null deletes keys, and nulls inside new values are dropped', () => {
    const out = applyPatch(SMP, pod(), JSON.stringify({ metadata: { labels: { app: null }, annotations: null }, spec: { nodeSelector: { a: 'b', c: null } } }), POD);
    assert.deepEqual((out.metadata as any).labels, {});
    assert.equal((out.metadata as any).annotations, undefined);
    assert.deepEqual(spec(out).nodeSelector, { a: 'b' });
  });

  it('rejects malformed patches with 400', () => {
    assertApiError(() => applyPatch(SMP, pod(), '{"spec":', POD), 400, /invalid strategic merge patch/);
    assertApiError(() => applyPatch(SMP, pod(), '[1]', POD), 400, /must be a JSON object/);
    assertApiError(() => applyPatch(SMP, pod(), '{"spec":{"containers":[{"image":"x"}]}}', POD), 400, /merge key: name/);
    assertApiError(() => applyPatch(SMP, pod(), '{"metadata":{"$patch":"explode"}}', POD), 400, /unknown patch type/);
  });

  it('__proto__ keys stay data and do not pollute prototypes', () => {
    const out = applyPatch(SMP, pod(), '{"metadata":{"labels":{"__proto__":{"polluted":"yes"}}}}', POD);
    assert.equal(({} as any).polluted, undefined);
    assert.equal(Object.getPrototypeOf((out.metadata as any).labels), Object.prototype);
  });
});

describe('merge patch (RFC 7386)', () => {
  it('kubectl label / label removal', () => {
    const out = applyPatch(MERGE, pod(), '{"metadata":{"labels":{"env":"prod"}}}', POD);
    assert.deepEqual((out.metadata as any).labels, { app: 'web', env: 'prod' });
    const out2 = applyPatch(MERGE, out, '{"metadata":{"labels":{"env":null}}}', POD);
    assert.deepEqual((out2.metadata as any).labels, { app: 'web' });
  });
  it('replaces lists whole (unlike strategic merge)', () => {
    const out = applyPatch(MERGE, pod(), '{"spec":{"containers":[{"name":"main","image":"x"}]}}', POD);
    assert.deepEqual(spec(out).containers, [{ name: 'main', image: 'x' }]);
  });
  it('kubectl scale body on a Scale-like object', () => {
    const out = applyPatch(MERGE, deployment(), '{"spec":{"replicas":3}}', DEPLOY);
    assert.equal(spec(out).replicas, 3);
  });
  it('400 on a malformed body or a non-object patch', () => {
    assertApiError(() => applyPatch(MERGE, pod(), 'nope', POD), 400, /invalid merge patch/);
    assertApiError(() => applyPatch(MERGE, pod(), '"x"', POD), 400, /invalid merge patch/);
  });
});

describe('JSON patch (RFC 6902)', () => {
  it('add/replace/remove/copy/move/test, with ~1 escapes and the - index', () => {
    const cur = pod();
    const before = structuredClone(cur);
    const ops = [
      { op: 'test', path: '/metadata/name', value: 'web' },
      { op: 'add', path: '/metadata/annotations/example.com~1restartedAt', value: 'now' },
      { op: 'add', path: '/spec/containers/0/env/-', value: { name: 'D', value: '4' } },
      { op: 'replace', path: '/spec/containers/0/image', value: 'nginx:2' },
      { op: 'remove', path: '/spec/containers/1' },
      { op: 'copy', from: '/metadata/labels', path: '/metadata/labels2' },
      { op: 'move', from: '/metadata/labels2', path: '/metadata/annotations/tilde~0key' },
      { op: 'add', path: '/spec/containers/0/env/0', value: { name: 'Z' } },
    ];
    const out = applyPatch(JSONP, cur, JSON.stringify(ops), POD);
    assert.deepEqual(cur, before);
    const m = out.metadata as any;
    assert.equal(m.annotations['example.com/restartedAt'], 'now');
    assert.deepEqual(m.annotations['tilde~key'], { app: 'web' });
    assert.equal(m.labels2, undefined);
    const c = spec(out).containers;
    assert.equal(c.length, 1);
    assert.equal(c[0].image, 'nginx:2');
    assert.deepEqual(c[0].env.map((e: any) => e.name), ['Z', 'A', 'B', 'C', 'D']);
  });
  it('422 when a test fails or a path does not exist', () => {
    assertApiError(() => applyPatch(JSONP, pod(), '[{"op":"test","path":"/metadata/name","value":"other"}]', POD), 422, /testing value \/metadata\/name failed/);
    assertApiError(() => applyPatch(JSONP, pod(), '[{"op":"replace","path":"/spec/nope","value":1}]', POD), 422, /missing key: \/spec\/nope/);
    assertApiError(() => applyPatch(JSONP, pod(), '[{"op":"remove","path":"/spec/containers/5"}]', POD), 422, /out of bounds/);
    assertApiError(() => applyPatch(JSONP, pod(), '[{"op":"add","path":"/nope/deeper","value":1}]', POD), 422, /missing/);
  });
  it('400 for malformed patches', () => {
    assertApiError(() => applyPatch(JSONP, pod(), '{"op":"add"}', POD), 400, /invalid JSON patch: the patch must be a JSON array/);
    assertApiError(() => applyPatch(JSONP, pod(), '[{"op":"frobnicate","path":"/a"}]', POD), 400, /unknown op/);
    assertApiError(() => applyPatch(JSONP, pod(), '[{"op":"add","path":"/a"}]', POD), 400, /missing "value"/);
    assertApiError(() => applyPatch(JSONP, pod(), '[{"op":"add","path":"a","value":1}]', POD), 400, /must start with/);
    assertApiError(() => applyPatch(JSONP, pod(), '[{', POD), 400, /invalid JSON patch/);
  });
});

describe('server-side apply (simplified)', () => {
  it('creates from the applied object when nothing exists', () => {
    const applied = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } };
    const out = applyPatch(APPLY, {}, JSON.stringify(applied), kind('v1', 'ConfigMap'));
    assert.deepEqual(out, applied);
  });
  it('merges into the live object with merge keys (kubectl apply --server-side sends JSON)', () => {
    const applied = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', labels: { v: '2' } }, spec: { containers: [{ name: 'main', image: 'nginx:1.29' }] } };
    const out = applyPatch(APPLY, pod(), JSON.stringify(applied), POD);
    assert.deepEqual((out.metadata as any).labels, { app: 'web', v: '2' });
    assert.equal(spec(out).containers[0].image, 'nginx:1.29');
    assert.equal(spec(out).containers[0].env.length, 3);
    assert.equal(spec(out).containers.length, 2);
  });
  it('accepts YAML bodies', () => {
    const out = applyPatch(APPLY, {}, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: v\n', kind('v1', 'ConfigMap'));
    assert.deepEqual(out.data, { k: 'v' });
  });
  it('400 on undecodable YAML or a body without apiVersion/kind', () => {
    assertApiError(() => applyPatch(APPLY, {}, 'a: [1, 2', POD), 400, /invalid apply patch: error decoding YAML/);
    assertApiError(() => applyPatch(APPLY, {}, '{"metadata":{"name":"x"}}', POD), 400, /apiVersion and kind/);
  });
});

describe('merge-key table', () => {
  it('every entry names a real field of a known type; list strategies sit on lists', () => {
    for (const [k, meta] of Object.entries(PATCH_META)) {
      const dot = k.lastIndexOf('.');
      const def = K8S_TYPES[k.slice(0, dot)];
      assert.ok(def, `no type ${k.slice(0, dot)}`);
      const f = def.f[k.slice(dot + 1)];
      assert.ok(f, `no field ${k}`);
      const isList = typeof f[0] !== 'string' && f[0][0] === 'a';
      assert.equal(isList, meta.strategy !== 'retainKeys', k);
      if (meta.mergeKey) {
        const item = (f[0] as readonly ['a', string])[1];
        assert.ok(K8S_TYPES[item]?.f[meta.mergeKey], `${k}: item type ${item} has no merge key field ${meta.mergeKey}`);
      }
    }
  });
});
