import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCES } from '../resources.js';
import { defaultObject, validateObject } from './index.js';

const info = (kind: string) => RESOURCES.find((r) => r.kind === kind)!;
const fields = (cs: Array<{ field?: string; message: string }>) => cs.map((c) => `${c.field}: ${c.message}`);
const template = (labels: Record<string, string> | undefined, extra: Record<string, unknown> = {}) => ({
  metadata: labels ? { labels } : {},
  spec: { containers: [{ name: 'app', image: 'web:1' }], ...extra },
});

function make(kind: string, apiVersion: string, spec: Record<string, unknown>, metadata: Record<string, unknown> = {}) {
  const o = { apiVersion, kind, metadata: { name: 'web', namespace: 'default', ...metadata }, spec } as Record<string, unknown>;
  defaultObject(info(kind), o);
  return o;
}

test('deployment defaults', () => {
  const d = make('Deployment', 'apps/v1', { selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) });
  const spec = d.spec as Record<string, any>;
  assert.equal(spec.replicas, 1);
  assert.deepEqual(spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  assert.equal(spec.revisionHistoryLimit, 10);
  assert.equal(spec.progressDeadlineSeconds, 600);
  assert.equal(spec.template.spec.restartPolicy, 'Always');
  assert.equal(spec.template.spec.containers[0].imagePullPolicy, 'IfNotPresent');
  // Pod-only defaults do not go into templates.
  assert.equal(spec.template.spec.tolerations, undefined);
  assert.equal(spec.template.spec.enableServiceLinks, undefined);
  assert.deepEqual(validateObject(info('Deployment'), d), []);
});

test('deployment without selector: the two errors kubectl users know', () => {
  const d = make('Deployment', 'apps/v1', { template: template({ app: 'web' }) });
  assert.deepEqual(fields(validateObject(info('Deployment'), d)), [
    'spec.selector: Required value',
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
  ]);
});

test('selector mismatch, negative replicas, bad restartPolicy, empty selector, strategy', () => {
  const d = make('Deployment', 'apps/v1', {
    replicas: -1,
    selector: { matchLabels: { app: 'api' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } },
    template: template({ app: 'web', tier: 'fe' }, { restartPolicy: 'Never' }),
  });
  assert.deepEqual(fields(validateObject(info('Deployment'), d)), [
    'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web", "tier":"fe"}: `selector` does not match template `labels`',
    'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0',
  ]);
  const empty = make('ReplicaSet', 'apps/v1', { selector: {}, template: template({ app: 'web' }) });
  assert.deepEqual(fields(validateObject(info('ReplicaSet'), empty)), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
  ]);
});

test('apps/v1 selector is immutable', () => {
  const old = make('Deployment', 'apps/v1', { selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web', v: '2' }) });
  const next = structuredClone(old);
  (next.spec as Record<string, any>).selector = { matchLabels: { app: 'web', v: '2' } };
  assert.deepEqual(fields(validateObject(info('Deployment'), next, old)), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "v":"2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
  ]);
  const scaled = structuredClone(old);
  (scaled.spec as Record<string, any>).replicas = 5;
  assert.deepEqual(validateObject(info('Deployment'), scaled, old), []);
});

test('matchExpressions are checked and matched', () => {
  const ok = make('ReplicaSet', 'apps/v1', { selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] }, template: template({ app: 'web' }) });
  assert.deepEqual(validateObject(info('ReplicaSet'), ok), []);
  const bad = make('ReplicaSet', 'apps/v1', { selector: { matchExpressions: [{ key: 'app', operator: 'In' }, { key: 'x', operator: 'Near' }] }, template: template({ app: 'web' }) });
  assert.deepEqual(fields(validateObject(info('ReplicaSet'), bad)).slice(0, 2), [
    "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    'spec.selector.matchExpressions[1].operator: Invalid value: "Near": not a valid selector operator',
  ]);
});

test('replicationcontroller: selector and labels from the template, replicas 1', () => {
  const rc = make('ReplicationController', 'v1', { template: template({ app: 'web' }) });
  assert.deepEqual((rc.spec as Record<string, any>).selector, { app: 'web' });
  assert.equal((rc.spec as Record<string, any>).replicas, 1);
  assert.deepEqual((rc.metadata as Record<string, any>).labels, { app: 'web' });
  assert.deepEqual(validateObject(info('ReplicationController'), rc), []);
  const noTemplate = make('ReplicationController', 'v1', { selector: { app: 'web' } });
  assert.deepEqual(fields(validateObject(info('ReplicationController'), noTemplate)), ['spec.template: Required value']);
  const mismatch = make('ReplicationController', 'v1', { selector: { app: 'api' }, template: template({ app: 'web' }) });
  assert.deepEqual(fields(validateObject(info('ReplicationController'), mismatch)), [
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
  ]);
});

test('daemonset defaults and validation', () => {
  const ds = make('DaemonSet', 'apps/v1', { selector: { matchLabels: { app: 'agent' } }, template: template({ app: 'agent' }) });
  const spec = ds.spec as Record<string, any>;
  assert.deepEqual(spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  assert.equal(spec.revisionHistoryLimit, 10);
  assert.deepEqual(validateObject(info('DaemonSet'), ds), []);
  const bad = make('DaemonSet', 'apps/v1', { selector: { matchLabels: { app: 'x' } }, template: template({ app: 'agent' }) });
  assert.equal(fields(validateObject(info('DaemonSet'), bad))[0], 'spec.template.metadata.labels: Invalid value: map[string]string{"app":"agent"}: `selector` does not match template `labels`');
});

test('job defaults: generated selector and labels from the uid', () => {
  const uid = '3f1c2a9e-0000-4000-8000-000000000001';
  const job = make('Job', 'batch/v1', { template: template(undefined, { restartPolicy: 'Never' }) }, { name: 'pi', uid });
  const spec = job.spec as Record<string, any>;
  assert.equal(spec.completions, 1);
  assert.equal(spec.parallelism, 1);
  assert.equal(spec.backoffLimit, 6);
  assert.equal(spec.completionMode, 'NonIndexed');
  assert.equal(spec.suspend, false);
  assert.equal(spec.manualSelector, false);
  assert.deepEqual(spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
  const labels = { 'job-name': 'pi', 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': uid, 'batch.kubernetes.io/controller-uid': uid };
  assert.deepEqual(spec.template.metadata.labels, labels);
  assert.deepEqual((job.metadata as Record<string, any>).labels, labels);
  assert.deepEqual(validateObject(info('Job'), job), []);
  const parallel = make('Job', 'batch/v1', { parallelism: 3, template: template(undefined, { restartPolicy: 'OnFailure' }) }, { uid });
  assert.equal((parallel.spec as Record<string, any>).completions, undefined);
});

test('job restartPolicy must be Never or OnFailure; selector is immutable', () => {
  const uid = 'u-1';
  const noPolicy = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pi', namespace: 'default', uid }, spec: { template: template(undefined) } } as Record<string, unknown>;
  defaultObject(info('Job'), noPolicy);
  assert.deepEqual(validateObject(info('Job'), noPolicy), [
    { reason: 'FieldValueRequired', message: 'Required value: valid values: "OnFailure", "Never"', field: 'spec.template.spec.restartPolicy' },
  ]);
  const sometimes = make('Job', 'batch/v1', { template: template(undefined, { restartPolicy: 'Sometimes' }) }, { uid });
  assert.deepEqual(fields(validateObject(info('Job'), sometimes)), [
    'spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    'spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "OnFailure", "Never"',
  ]);
  const old = make('Job', 'batch/v1', { template: template(undefined, { restartPolicy: 'Never' }) }, { uid });
  const next = structuredClone(old);
  (next.spec as Record<string, any>).selector.matchLabels.extra = 'x';
  assert.deepEqual(fields(validateObject(info('Job'), next, old)).slice(1), ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"batch.kubernetes.io/controller-uid":"u-1", "extra":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable']);
  const suspended = structuredClone(old);
  (suspended.spec as Record<string, any>).suspend = true;
  assert.deepEqual(validateObject(info('Job'), suspended, old), []);
});
