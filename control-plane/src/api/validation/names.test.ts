import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCES } from '../resources.js';
import { validateObject } from './index.js';

const info = (kind: string) => RESOURCES.find((r) => r.kind === kind)!;
const cm = (metadata: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'default', ...metadata } });

test('metadata.name: RFC 1123 subdomain message, verbatim', () => {
  assert.deepEqual(validateObject(info('ConfigMap'), cm({ name: 'Bad_Name' })), [
    {
      reason: 'FieldValueInvalid',
      field: 'metadata.name',
      message:
        "Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    },
  ]);
});

test('metadata.name required unless generateName; generateName prefix may end in a dash', () => {
  assert.deepEqual(validateObject(info('ConfigMap'), cm({})), [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }]);
  assert.deepEqual(validateObject(info('ConfigMap'), cm({ generateName: 'web-' })), []);
  assert.equal(validateObject(info('ConfigMap'), cm({ generateName: 'Web-' }))[0].field, 'metadata.generateName');
});

test('namespace names are RFC 1123 labels, service names DNS-1035 labels', () => {
  const ns = validateObject(info('Namespace'), { metadata: { name: 'a.b' } });
  assert.equal(
    ns[0].message,
    "Invalid value: \"a.b\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  );
  const svc = validateObject(info('Service'), { metadata: { name: '1web', namespace: 'default' }, spec: { type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] } });
  assert.deepEqual(svc, [
    {
      reason: 'FieldValueInvalid',
      field: 'metadata.name',
      message:
        "Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    },
  ]);
  const long = 'a'.repeat(64);
  assert.deepEqual(
    validateObject(info('Namespace'), { metadata: { name: long } }).map((c) => c.message),
    [`Invalid value: "${long}": must be no more than 63 characters`],
  );
});

test('label keys and values', () => {
  const causes = validateObject(info('ConfigMap'), cm({ name: 'x', labels: { 'app/x/y': 'a', good: 'bad value', 'example.com/': 'v' } }));
  assert.deepEqual(causes.map((c) => [c.field, c.message]), [
    [
      'metadata.labels',
      "Invalid value: \"app/x/y\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ],
    [
      'metadata.labels',
      "Invalid value: \"bad value\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ],
    ['metadata.labels', 'Invalid value: "example.com/": name part must be non-empty'],
    [
      'metadata.labels',
      "Invalid value: \"example.com/\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ],
  ]);
  assert.deepEqual(validateObject(info('ConfigMap'), cm({ name: 'x', labels: { 'app.kubernetes.io/name': 'web', empty: '' } })), []);
});

test('annotations: keys are case-insensitive qualified names; total size 256 KiB', () => {
  assert.deepEqual(validateObject(info('ConfigMap'), cm({ name: 'x', annotations: { 'Kubectl.Kubernetes.io/Last-Applied': '{}' } })), []);
  const big = validateObject(info('ConfigMap'), cm({ name: 'x', annotations: { a: 'x'.repeat(256 * 1024) } }));
  assert.deepEqual(big, [{ reason: 'FieldValueTooLong', message: 'Too long: may not be more than 262144 bytes', field: 'metadata.annotations' }]);
});
