// Field numbers (from Kubernetes' generated.proto) of the kinds `kubectl create <generator>` sends
// as protobuf: Namespace, ConfigMap, Secret, Deployment. Anything outside these schemas is refused
// (415) rather than guessed at.

export type FieldType =
  | 'string' | 'int' | 'bool' | 'bytes' | 'time' | 'quantity' | 'intOrString' | 'ignore'
  | 'map<string,string>' | 'map<string,bytes>' | 'map<string,quantity>'
  | Schema;

export interface FieldSpec {
  name: string;
  type: FieldType;
  repeated?: boolean;
  /** Pointer fields: present means set, even when zero (replicas: 0). */
  keepZero?: boolean;
}

export interface Schema {
  [no: number]: FieldSpec;
}

const s = (name: string, type: FieldType, extra: Partial<FieldSpec> = {}): FieldSpec => ({ name, type, ...extra });

export const TYPE_META: Schema = { 1: s('apiVersion', 'string'), 2: s('kind', 'string') };

export const UNKNOWN: Schema = {
  1: s('typeMeta', TYPE_META),
  2: s('raw', 'bytes'),
  3: s('contentEncoding', 'string'),
  4: s('contentType', 'string'),
};

const OWNER_REFERENCE: Schema = {
  1: s('kind', 'string'), 3: s('name', 'string'), 4: s('uid', 'string'), 5: s('apiVersion', 'string'),
  6: s('controller', 'bool', { keepZero: true }), 7: s('blockOwnerDeletion', 'bool', { keepZero: true }),
};

const OBJECT_META: Schema = {
  1: s('name', 'string'), 2: s('generateName', 'string'), 3: s('namespace', 'string'), 4: s('selfLink', 'string'),
  5: s('uid', 'string'), 6: s('resourceVersion', 'string'), 7: s('generation', 'int'), 8: s('creationTimestamp', 'time'),
  9: s('deletionTimestamp', 'time'), 10: s('deletionGracePeriodSeconds', 'int', { keepZero: true }),
  11: s('labels', 'map<string,string>'), 12: s('annotations', 'map<string,string>'),
  13: s('ownerReferences', OWNER_REFERENCE, { repeated: true }), 14: s('finalizers', 'string', { repeated: true }),
  17: s('managedFields', 'ignore'),
};

const LABEL_SELECTOR: Schema = {
  1: s('matchLabels', 'map<string,string>'),
  2: s('matchExpressions', { 1: s('key', 'string'), 2: s('operator', 'string'), 3: s('values', 'string', { repeated: true }) }, { repeated: true }),
};

const CONTAINER: Schema = {
  1: s('name', 'string'), 2: s('image', 'string'), 3: s('command', 'string', { repeated: true }), 4: s('args', 'string', { repeated: true }),
  5: s('workingDir', 'string'),
  6: s('ports', { 1: s('name', 'string'), 2: s('hostPort', 'int'), 3: s('containerPort', 'int'), 4: s('protocol', 'string'), 5: s('hostIP', 'string') }, { repeated: true }),
  7: s('env', { 1: s('name', 'string'), 2: s('value', 'string') }, { repeated: true }),
  8: s('resources', { 1: s('limits', 'map<string,quantity>'), 2: s('requests', 'map<string,quantity>') }),
  13: s('terminationMessagePath', 'string'), 14: s('imagePullPolicy', 'string'), 20: s('terminationMessagePolicy', 'string'),
};

const POD_SPEC: Schema = {
  2: s('containers', CONTAINER, { repeated: true }), 3: s('restartPolicy', 'string'),
  4: s('terminationGracePeriodSeconds', 'int', { keepZero: true }), 6: s('dnsPolicy', 'string'),
  7: s('nodeSelector', 'map<string,string>'), 8: s('serviceAccountName', 'string'), 10: s('nodeName', 'string'),
  20: s('initContainers', CONTAINER, { repeated: true }),
};

const DEPLOYMENT_SPEC: Schema = {
  1: s('replicas', 'int', { keepZero: true }),
  2: s('selector', LABEL_SELECTOR),
  3: s('template', { 1: s('metadata', OBJECT_META), 2: s('spec', POD_SPEC) }),
  4: s('strategy', { 1: s('type', 'string'), 2: s('rollingUpdate', { 1: s('maxUnavailable', 'intOrString'), 2: s('maxSurge', 'intOrString') }) }),
  5: s('minReadySeconds', 'int'), 6: s('revisionHistoryLimit', 'int', { keepZero: true }), 7: s('paused', 'bool'),
  9: s('progressDeadlineSeconds', 'int', { keepZero: true }),
};

/** Per apiVersion/kind: the object's schema. Status is dropped (the server owns it on create). */
export const KINDS: Record<string, Schema> = {
  'v1/Namespace': { 1: s('metadata', OBJECT_META), 2: s('spec', { 1: s('finalizers', 'string', { repeated: true }) }), 3: s('status', 'ignore') },
  'v1/ConfigMap': {
    1: s('metadata', OBJECT_META), 2: s('data', 'map<string,string>'), 3: s('binaryData', 'map<string,bytes>'), 4: s('immutable', 'bool', { keepZero: true }),
  },
  'v1/Secret': {
    1: s('metadata', OBJECT_META), 2: s('data', 'map<string,bytes>'), 3: s('type', 'string'), 4: s('stringData', 'map<string,string>'),
    5: s('immutable', 'bool', { keepZero: true }),
  },
  'apps/v1/Deployment': { 1: s('metadata', OBJECT_META), 2: s('spec', DEPLOYMENT_SPEC), 3: s('status', 'ignore') },
};
