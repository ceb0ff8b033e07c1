// Controllers' defaulting and validation: ReplicationController (core/v1), ReplicaSet, Deployment,
// DaemonSet (apps/v1) and Job (batch/v1), with their template checks and selector immutability.

import { fe, FIELD_IMMUTABLE, GoValue, goStringMap, NEGATIVE } from './errors.js';
import type { Causes } from './errors.js';
import { validateAnnotations, validateLabels } from './meta.js';
import { defaultPodSpec } from './pod-defaults.js';
import { validatePodSpec } from './pod.js';
import { goLabelSelector, SELECTOR_MISMATCH, selectorIsEmpty, selectorMatches, validateLabelSelector } from './selectors.js';
import { child, deepEqual, isObj, obj, setDefault, str } from './util.js';
import type { Obj } from './util.js';

// ---------- defaults ----------

function templateOf(o: Obj): Obj | undefined {
  const t = obj(o.spec).template;
  return isObj(t) ? t : undefined;
}

function defaultTemplate(o: Obj): void {
  const t = templateOf(o);
  if (t) defaultPodSpec(child(t, 'spec'));
}

function copyTemplateLabelsToMeta(o: Obj): void {
  const labels = obj(templateOf(o)?.metadata).labels;
  if (!isObj(labels)) return;
  const md = child(o, 'metadata');
  if (!isObj(md.labels) || Object.keys(md.labels).length === 0) md.labels = { ...labels };
}

export function defaultReplicationController(rc: Obj): void {
  const spec = child(rc, 'spec');
  const labels = obj(templateOf(rc)?.metadata).labels;
  if (isObj(labels)) {
    if (!isObj(spec.selector) || Object.keys(spec.selector).length === 0) spec.selector = { ...labels };
    copyTemplateLabelsToMeta(rc);
  }
  setDefault(spec, 'replicas', 1);
  defaultTemplate(rc);
}

export function defaultReplicaSet(rs: Obj): void {
  setDefault(child(rs, 'spec'), 'replicas', 1);
  defaultTemplate(rs);
}

export function defaultDeployment(d: Obj): void {
  const spec = child(d, 'spec');
  setDefault(spec, 'replicas', 1);
  const strategy = child(spec, 'strategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const ru = child(strategy, 'rollingUpdate');
    setDefault(ru, 'maxUnavailable', '25%');
    setDefault(ru, 'maxSurge', '25%');
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  defaultTemplate(d);
}

export function defaultDaemonSet(ds: Obj): void {
  const spec = child(ds, 'spec');
  const us = child(spec, 'updateStrategy');
  setDefault(us, 'type', 'RollingUpdate');
  if (us.type === 'RollingUpdate') {
    const ru = child(us, 'rollingUpdate');
    setDefault(ru, 'maxUnavailable', 1);
    setDefault(ru, 'maxSurge', 0);
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  defaultTemplate(ds);
}

export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';

/**
 * SetDefaults_Job plus the create strategy's generated selector. The selector needs metadata.uid:
 * the API server sets the uid before calling defaultObject.
 */
export function defaultJob(job: Obj): void {
  const spec = child(job, 'spec');
  if (spec.completions == null && spec.parallelism == null) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  setDefault(spec, 'parallelism', 1);
  setDefault(spec, 'backoffLimit', spec.backoffLimitPerIndex != null ? 2147483647 : 6);
  setDefault(spec, 'completionMode', 'NonIndexed');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'manualSelector', false);
  if (spec.podFailurePolicy == null) setDefault(spec, 'podReplacementPolicy', 'TerminatingOrFailed');
  copyTemplateLabelsToMeta(job);
  const md = obj(job.metadata);
  const uid = str(md.uid);
  if (spec.manualSelector !== true && uid !== '') {
    const tmd = child(child(spec, 'template'), 'metadata');
    const labels = child(tmd, 'labels');
    for (const k of ['job-name', JOB_NAME_LABEL]) setDefault(labels, k, str(md.name));
    for (const k of ['controller-uid', CONTROLLER_UID_LABEL]) setDefault(labels, k, uid);
    const sel = child(spec, 'selector');
    const ml = child(sel, 'matchLabels');
    setDefault(ml, CONTROLLER_UID_LABEL, uid);
  }
  // Stored jobs are defaulted again when read, which then copies the generated labels up.
  copyTemplateLabelsToMeta(job);
  defaultTemplate(job);
}

// ---------- validation ----------

function nonNegative(v: unknown, path: string, out: Causes): void {
  if (typeof v === 'number' && v < 0) out.push(fe.invalid(path, v, NEGATIVE));
}

/** ValidatePodTemplateSpec: note the labels path is `…template.labels`, as Kubernetes writes it. */
function validateTemplate(t: Obj, path: string, out: Causes): void {
  const md = obj(t.metadata);
  validateLabels(md.labels, `${path}.labels`, out);
  validateAnnotations(md.annotations, `${path}.annotations`, out);
  validatePodSpec(obj(t.spec), `${path}.spec`, out);
}

function templateLabelsValue(t: Obj | undefined): GoValue {
  const labels = obj(t?.metadata).labels;
  return goStringMap(isObj(labels) ? labels : null);
}

function requireAlwaysRestart(t: Obj, path: string, kind: string, out: Causes, forbidDeadline = true): void {
  const spec = obj(t.spec);
  if (spec.restartPolicy !== undefined && spec.restartPolicy !== 'Always') out.push(fe.notSupported(`${path}.spec.restartPolicy`, spec.restartPolicy, ['Always']));
  if (forbidDeadline && spec.activeDeadlineSeconds != null) out.push(fe.forbidden(`${path}.spec.activeDeadlineSeconds`, `activeDeadlineSeconds in ${kind} is not Supported`));
}

/** ValidateDeploymentSpec / ValidateReplicaSetSpec selector and template checks. */
function validateAppsSelectorAndTemplate(o: Obj, kind: 'ReplicaSet' | 'Deployment', out: Causes): void {
  const spec = obj(o.spec);
  const sel = spec.selector;
  if (!isObj(sel)) out.push(fe.required('spec.selector'));
  else {
    validateLabelSelector(sel, 'spec.selector', out);
    if (selectorIsEmpty(sel)) out.push(fe.invalid('spec.selector', goLabelSelector(sel), 'empty selector is invalid for deployment'));
  }
  const t = templateOf(o) ?? {};
  if (!selectorMatches(sel, obj(t.metadata).labels)) {
    out.push(fe.invalid('spec.template.metadata.labels', templateLabelsValue(t), SELECTOR_MISMATCH));
  }
  validateTemplate(t, 'spec.template', out);
  requireAlwaysRestart(t, 'spec.template', kind, out);
}

function percentOrInt(v: unknown, path: string, out: Causes): number | undefined {
  if (typeof v === 'number') {
    if (v < 0) out.push(fe.invalid(path, v, NEGATIVE));
    return v;
  }
  if (typeof v === 'string') {
    if (!/^[0-9]+%$/.test(v)) {
      out.push(fe.invalid(path, new GoValue(v), "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"));
      return undefined;
    }
    const n = parseInt(v, 10);
    if (n > 100) out.push(fe.invalid(path, new GoValue(v), 'must not be greater than 100%'));
    return n;
  }
  return undefined;
}

function validateDeploymentStrategy(strategy: Obj, out: Causes): void {
  const type = strategy.type;
  if (type === 'Recreate') {
    if (strategy.rollingUpdate != null) out.push(fe.forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
  } else if (type === 'RollingUpdate') {
    const ru = obj(strategy.rollingUpdate);
    const mu = percentOrInt(ru.maxUnavailable, 'spec.strategy.rollingUpdate.maxUnavailable', out);
    const ms = percentOrInt(ru.maxSurge, 'spec.strategy.rollingUpdate.maxSurge', out);
    if (mu === 0 && ms === 0) out.push(fe.invalid('spec.strategy.rollingUpdate.maxUnavailable', new GoValue(String(ru.maxUnavailable)), 'may not be 0 when `maxSurge` is 0'));
  } else {
    out.push(fe.notSupported('spec.strategy.type', type ?? '', ['Recreate', 'RollingUpdate']));
  }
}

function immutableSelector(o: Obj, old: Obj | undefined, out: Causes): void {
  if (!old) return;
  const sel = obj(o.spec).selector;
  if (!deepEqual(sel, obj(old.spec).selector)) out.push(fe.invalid('spec.selector', goLabelSelector(sel), FIELD_IMMUTABLE));
}

export function validateReplicaSet(rs: Obj, old: Obj | undefined, out: Causes): void {
  const spec = obj(rs.spec);
  nonNegative(spec.replicas, 'spec.replicas', out);
  nonNegative(spec.minReadySeconds, 'spec.minReadySeconds', out);
  validateAppsSelectorAndTemplate(rs, 'ReplicaSet', out);
  immutableSelector(rs, old, out);
}

export function validateDeployment(d: Obj, old: Obj | undefined, out: Causes): void {
  const spec = obj(d.spec);
  nonNegative(spec.replicas, 'spec.replicas', out);
  validateAppsSelectorAndTemplate(d, 'Deployment', out);
  validateDeploymentStrategy(obj(spec.strategy), out);
  nonNegative(spec.minReadySeconds, 'spec.minReadySeconds', out);
  nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit', out);
  if (typeof spec.progressDeadlineSeconds === 'number') {
    nonNegative(spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds', out);
    if (spec.progressDeadlineSeconds <= (typeof spec.minReadySeconds === 'number' ? spec.minReadySeconds : 0)) {
      out.push(fe.invalid('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
    }
  }
  immutableSelector(d, old, out);
}

export function validateDaemonSet(ds: Obj, old: Obj | undefined, out: Causes): void {
  const spec = obj(ds.spec);
  const sel = spec.selector;
  const t = templateOf(ds) ?? {};
  if (!isObj(sel)) out.push(fe.required('spec.selector'));
  else validateLabelSelector(sel, 'spec.selector', out);
  // A nil selector selects nothing, so it never matches; an empty one matches everything.
  if (!selectorMatches(sel, obj(t.metadata).labels)) out.push(fe.invalid('spec.template.metadata.labels', templateLabelsValue(t), SELECTOR_MISMATCH));
  if (isObj(sel) && selectorIsEmpty(sel)) out.push(fe.invalid('spec.selector', goLabelSelector(sel), 'empty selector is invalid for daemonset'));
  validateTemplate(t, 'spec.template', out);
  requireAlwaysRestart(t, 'spec.template', 'DaemonSet', out, false);
  const tspec = obj(t.spec);
  if (tspec.activeDeadlineSeconds != null) out.push(fe.invalid('spec.template.spec.activeDeadlineSeconds', tspec.activeDeadlineSeconds, 'activeDeadlineSeconds in DaemonSet is not Supported'));
  nonNegative(spec.minReadySeconds, 'spec.minReadySeconds', out);
  nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit', out);
  const us = obj(spec.updateStrategy);
  if (us.type !== undefined && us.type !== 'OnDelete' && us.type !== 'RollingUpdate') out.push(fe.notSupported('spec.updateStrategy.type', us.type, ['OnDelete', 'RollingUpdate']));
  immutableSelector(ds, old, out);
}

export function validateReplicationController(rc: Obj, out: Causes): void {
  const spec = obj(rc.spec);
  nonNegative(spec.minReadySeconds, 'spec.minReadySeconds', out);
  const selector = obj(spec.selector);
  if (Object.keys(selector).length === 0) out.push(fe.required('spec.selector'));
  else validateLabels(selector, 'spec.selector', out);
  nonNegative(spec.replicas, 'spec.replicas', out);
  const t = templateOf(rc);
  if (!t) {
    out.push(fe.required('spec.template'));
    return;
  }
  const labels = obj(obj(t.metadata).labels);
  if (Object.keys(selector).length > 0 && Object.entries(selector).some(([k, v]) => labels[k] !== v)) {
    out.push(fe.invalid('spec.template.metadata.labels', templateLabelsValue(t), SELECTOR_MISMATCH));
  }
  validateTemplate(t, 'spec.template', out);
  requireAlwaysRestart(t, 'spec.template', 'ReplicationController', out);
}

export function validateJob(job: Obj, old: Obj | undefined, out: Causes): void {
  const spec = obj(job.spec);
  for (const f of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished']) nonNegative(spec[f], `spec.${f}`, out);
  if (spec.completionMode !== undefined && spec.completionMode !== 'NonIndexed' && spec.completionMode !== 'Indexed') {
    out.push(fe.notSupported('spec.completionMode', spec.completionMode, ['NonIndexed', 'Indexed']));
  }
  if (spec.completionMode === 'Indexed' && spec.completions == null) out.push(fe.required('spec.completions', 'when completion mode is Indexed'));
  const sel = spec.selector;
  const t = templateOf(job) ?? {};
  if (!isObj(sel)) out.push(fe.required('spec.selector'));
  else {
    validateLabelSelector(sel, 'spec.selector', out);
    if (!selectorMatches(sel, obj(t.metadata).labels)) out.push(fe.invalid('spec.template.metadata.labels', templateLabelsValue(t), SELECTOR_MISMATCH));
  }
  validateTemplate(t, 'spec.template', out);
  const rp = obj(t.spec).restartPolicy;
  if (rp === 'Always' || rp === undefined || rp === '') out.push(fe.required('spec.template.spec.restartPolicy', 'valid values: "OnFailure", "Never"'));
  else if (rp !== 'OnFailure' && rp !== 'Never') out.push(fe.notSupported('spec.template.spec.restartPolicy', rp, ['OnFailure', 'Never']));
  const uid = str(obj(job.metadata).uid);
  if (!old && spec.manualSelector !== true && isObj(sel) && uid !== '') {
    const expected = { matchLabels: { [CONTROLLER_UID_LABEL]: uid } };
    if (!deepEqual(sel, expected)) out.push(fe.invalid('spec.selector', goLabelSelector(sel), '`selector` not auto-generated'));
  }
  if (old) {
    const oldSpec = obj(old.spec);
    if (!deepEqual(sel, oldSpec.selector)) out.push(fe.invalid('spec.selector', goLabelSelector(sel), FIELD_IMMUTABLE));
    if (spec.completionMode !== 'Indexed' && !deepEqual(spec.completions, oldSpec.completions)) out.push(fe.invalid('spec.completions', spec.completions ?? null, FIELD_IMMUTABLE));
    if (!deepEqual(t, oldSpec.template)) out.push(fe.invalid('spec.template', new GoValue('core.PodTemplateSpec{…}'), FIELD_IMMUTABLE));
  }
}
