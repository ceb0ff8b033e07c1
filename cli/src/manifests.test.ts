import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imagesInUse, inOrderOfUse, parseManifests } from './manifests.js';

test('parseManifests: documents, Lists, the core schema, and a bad document named by file, line and column', () => {
  const objects = parseManifests(`
apiVersion: v1
kind: ConfigMap
metadata: { name: a }
data: { date: 2024-01-01, answer: yes, n: "010" }
---
---
kind: List
items:
  - { apiVersion: v1, kind: Pod, metadata: { name: b } }
  - { apiVersion: v1, kind: Pod, metadata: { name: c } }
`);
  assert.deepEqual(objects.map((o) => o.metadata.name), ['a', 'b', 'c']);
  // As Kubernetes reads YAML: a date or yes stays a string.
  assert.deepEqual((objects[0] as { data?: unknown }).data, { date: '2024-01-01', answer: 'yes', n: '010' });
  assert.throws(() => parseManifests('kind: Pod\nmetadata:\n  name: x\n   labels: {}\n', 'pod.yaml'), (e: Error) => {
    assert.match(e.message, /^pod\.yaml:4:\d+: bad indentation of a mapping entry$/);
    return true;
  });
});

test('images in order of first use: pods, templates, init containers first; unused images last', () => {
  const objects = parseManifests(`
kind: Pod
metadata: { name: p }
spec: { containers: [{ name: a, image: "web:1" }] }
---
kind: Deployment
metadata: { name: d }
spec:
  template:
    spec:
      initContainers: [{ name: i, image: "init:1" }]
      containers: [{ name: s, image: "side:1" }, { name: w, image: "web:1" }]
---
kind: CronJob
metadata: { name: j }
spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: j, image: "job:1" }] } } } } }
`);
  assert.deepEqual(imagesInUse(objects), ['web:1', 'init:1', 'side:1', 'job:1']);
  const ordered = inOrderOfUse({ 'unused:1': 'u.wasm', 'job:1': 'j.wasm', 'side:1': 's.wasm', 'web:1': 'w.wasm' }, objects);
  assert.deepEqual(Object.keys(ordered), ['web:1', 'side:1', 'job:1', 'unused:1']);
});
