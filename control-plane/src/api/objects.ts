// The generic REST storage behind every resource: get, list, create, update, patch, delete, with
// kube-apiserver's metadata rules, optimistic concurrency on resourceVersion, defaulting and
// validation, status-subresource separation and finalizer-aware deletion.

import type { KeyValue, Store } from '../store/store.js';
import { handOver, StoreError } from '../store/store.js';
import type { Modules } from './modules.js';
import type { ResourceInfo } from './resources.js';
import { findResource, groupVersion, storageKey, storagePrefix } from './resources.js';
import { ApiError, errors, successStatus } from './status.js';
import type { Obj } from './metadata.js';
import { deepEqual, forStorage, generateName, meta, newUid, present, qualifiedResource, rfc3339, specChanged } from './metadata.js';
import { prepareForCreate, prepareForStatusUpdate, prepareForUpdate } from './strategy.js';
import type { Selector } from './selectors.js';
import { planDeletion } from './deletion.js';
import type { DeleteOptions } from './deletion.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';
/** Subresources that write the object itself: status, and a namespace's finalize. */
export type WriteSub = 'status' | 'finalize';

export interface WriteOptions {
  dryRun?: boolean;
  fieldValidation?: FieldValidation;
  /** Warnings for the response's Warning headers (fieldValidation=Warn). */
  warnings?: string[];
  /**
   * The body was decoded for this request alone and nobody keeps a reference to it: create may
   * hand it to the store (handOver) rather than have it copied.
   */
  ownBody?: boolean;
}

export interface WriteResult {
  /** The object, or a Status for an immediate delete of a kind that answers with one. */
  body: Obj;
  code: number;
  /** Set when body is exactly present(info, kv): its JSON can then be shared (presentJson). */
  kv?: KeyValue;
}

export const NAMESPACES = findResource('', 'v1', 'namespaces')!;
const MAX_RETRIES = 8;
/** Conflict retries (PATCH, PUT without resourceVersion, deletes) back off a little: a read sees
 * only durable writes, so a write still in flight makes every immediate retry conflict again. */
const CONFLICT_RETRIES = 100;
const conflictPause = (attempt: number) => new Promise<void>((r) => setTimeout(r, Math.min(1 + attempt, 20)));
/** PUT may create these when absent (AllowCreateOnUpdate in their registry strategies). */
const CREATE_ON_UPDATE = new Set(['Endpoints', 'Event', 'Lease']);
/** Kinds whose immediate DELETE answers with the deleted object rather than a Status (ReturnDeletedObject). */
const RETURN_DELETED_OBJECT = new Set(['Pod', 'Service']);

export interface ObjectServiceHooks {
  /** A namespace has just been marked Terminating (the namespace cleanup starts). */
  onNamespaceTerminating?(name: string): void;
}

export class ObjectService {
  constructor(
    readonly store: Store,
    readonly modules: Modules,
    readonly hooks: ObjectServiceHooks = {},
  ) {}

  key(info: ResourceInfo, ns: string | undefined, name: string): string {
    return storageKey(info, ns, name);
  }

  async getKV(info: ResourceInfo, ns: string | undefined, name: string): Promise<KeyValue> {
    const kv = await this.store.get(this.key(info, ns, name));
    if (!kv) throw errors.notFound(qualifiedResource(info), name);
    return kv;
  }

  async get(info: ResourceInfo, ns: string | undefined, name: string): Promise<Obj> {
    return present(info, await this.getKV(info, ns, name));
  }

  async list(info: ResourceInfo, ns: string | undefined, selector?: Selector): Promise<{ items: Obj[]; revision: number }> {
    const res = await this.store.list(storagePrefix(info, ns));
    const items: Obj[] = [];
    for (const kv of res.items) {
      const o = present(info, kv);
      if (!selector || selector.matches(o)) items.push(o);
    }
    return { items, revision: res.revision };
  }

  // ---------------------------------------------------------------- create

  /** `body` becomes the server's own (callers pass a freshly decoded object). */
  async create(info: ResourceInfo, ns: string | undefined, body: Obj, opts: WriteOptions = {}): Promise<WriteResult> {
    checkTypeMeta(info, body);
    this.checkFields(info, body, opts);
    const obj = body;
    const md = meta(obj);
    if (info.namespaced) {
      if (md.namespace !== undefined && md.namespace !== '' && md.namespace !== ns)
        throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      md.namespace = ns;
    } else delete md.namespace;
    const genBase = typeof md.generateName === 'string' && md.generateName !== '' ? md.generateName : undefined;
    if ((typeof md.name !== 'string' || md.name === '') && !genBase) {
      throw errors.invalid(info.kind, '', [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }], info.group || undefined);
    }
    if (info.namespaced) await this.checkNamespaceOpen(info, ns!, String(md.name ?? genBase));

    for (const f of ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'selfLink', 'managedFields'])
      delete md[f];
    md.uid = newUid();
    md.creationTimestamp = rfc3339();
    md.generation = 1;
    obj.kind = info.kind;
    obj.apiVersion = groupVersion(info);

    for (let attempt = 0; ; attempt++) {
      if (genBase && (attempt > 0 || typeof md.name !== 'string' || md.name === '')) md.name = generateName(genBase);
      const name = String(md.name);
      prepareForCreate(info, obj);
      this.modules.defaultObject(info, obj);
      const causes = this.modules.validateObject(info, obj);
      if (causes.length > 0) throw errors.invalid(info.kind, name, causes, info.group || undefined);
      if (opts.dryRun) return { body: obj, code: 201 };
      try {
        // The store copies what it is given (so obj needs no copy of its own), or keeps obj itself
        // when the body is ours alone: nothing here touches obj after a write was queued.
        const value = forStorage(obj);
        const kv = await this.store.create(this.key(info, ns, name), opts.ownBody ? handOver(value) : value);
        return { body: present(info, kv), code: 201, kv };
      } catch (e) {
        if (e instanceof StoreError && e.code === 'AlreadyExists' && genBase && attempt < MAX_RETRIES) continue;
        throw storeError(e, info, name);
      }
    }
  }

  /** 404 when the namespace is missing, 403 when it is being deleted (NamespaceLifecycle admission). */
  async checkNamespaceOpen(info: ResourceInfo, ns: string, name: string): Promise<void> {
    const nsKV = await this.store.get(storageKey(NAMESPACES, undefined, ns));
    if (!nsKV) throw errors.notFound('namespaces', ns);
    const nsObj = nsKV.value as Obj;
    if (meta(nsObj).deletionTimestamp || (nsObj.status as Obj | undefined)?.phase === 'Terminating') {
      throw new ApiError(
        403,
        'Forbidden',
        `${qualifiedResource(info)} "${name}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
        { name, kind: info.plural, causes: [{ reason: 'NamespaceTerminating', message: `namespace ${ns} is being terminated`, field: 'metadata.namespace' }] },
      );
    }
  }

  // ---------------------------------------------------------------- update (PUT)

  async update(info: ResourceInfo, ns: string | undefined, name: string, body: Obj, opts: WriteOptions = {}, sub?: WriteSub): Promise<WriteResult> {
    checkTypeMeta(info, body);
    checkNameAndNamespace(info, body, ns, name);
    this.checkFields(info, body, opts);
    const wantedRV = meta(body).resourceVersion;
    for (let attempt = 0; ; attempt++) {
      const cur = await this.store.get(this.key(info, ns, name));
      if (!cur) {
        if (CREATE_ON_UPDATE.has(info.kind) && sub === undefined) return this.create(info, ns, body, opts);
        throw errors.notFound(qualifiedResource(info), name);
      }
      if (wantedRV !== undefined && wantedRV !== '' && String(wantedRV) !== String(cur.modRevision)) throw errors.conflict(qualifiedResource(info), name);
      try {
        // Each attempt consumes its own copy: a retry needs the body intact.
        return await this.applyUpdate(info, ns, name, cur, structuredClone(body), opts, sub);
      } catch (e) {
        if (isStoreConflict(e) && (wantedRV === undefined || wantedRV === '') && attempt < CONFLICT_RETRIES) {
          await conflictPause(attempt);
          continue;
        }
        throw storeError(e, info, name);
      }
    }
  }

  // ---------------------------------------------------------------- patch

  async patch(
    info: ResourceInfo,
    ns: string | undefined,
    name: string,
    contentType: string,
    patchBody: string,
    opts: WriteOptions = {},
    sub?: WriteSub,
  ): Promise<WriteResult> {
    const isApply = contentType.split(';')[0].trim().toLowerCase() === 'application/apply-patch+yaml';
    for (let attempt = 0; ; attempt++) {
      const cur = await this.store.get(this.key(info, ns, name));
      if (!cur) {
        if (isApply && sub === undefined) {
          // Server-side apply to a missing object creates it.
          const created = this.modules.applyPatch(contentType, {}, patchBody, info) as Obj;
          const md = meta(created);
          if (md.name === undefined) md.name = name;
          if (md.name !== name) throw errors.badRequest(`the name of the object (${String(md.name)}) does not match the name on the URL (${name})`);
          return this.create(info, ns, created, opts);
        }
        throw errors.notFound(qualifiedResource(info), name);
      }
      const current = present(info, cur);
      const patched = this.modules.applyPatch(contentType, structuredClone(current), patchBody, info) as Obj;
      if (patched === null || typeof patched !== 'object' || Array.isArray(patched)) throw errors.badRequest('the patch did not produce an object');
      checkTypeMeta(info, patched);
      checkNameAndNamespace(info, patched, ns, name);
      const rv = meta(patched).resourceVersion;
      if (rv !== undefined && rv !== '' && String(rv) !== String(cur.modRevision)) throw errors.conflict(qualifiedResource(info), name);
      this.checkFields(info, patched, opts);
      try {
        return await this.applyUpdate(info, ns, name, cur, patched, opts, sub);
      } catch (e) {
        if (isStoreConflict(e) && attempt < CONFLICT_RETRIES) {
          await conflictPause(attempt);
          continue;
        }
        throw storeError(e, info, name);
      }
    }
  }

  /**
   * The shared tail of PUT and PATCH: keep what clients may not change, bump generation on spec
   * changes, default, validate, write with the read revision as precondition. An update that
   * removes the last finalizer of an object being deleted deletes it.
   */
  async applyUpdate(info: ResourceInfo, ns: string | undefined, name: string, cur: KeyValue, incoming: Obj, opts: WriteOptions, sub?: WriteSub): Promise<WriteResult> {
    const old = cur.value as Obj;
    const oldMd = meta(old);
    let obj: Obj;
    if (sub === 'status') {
      obj = prepareForStatusUpdate(info, incoming, old);
    } else if (sub === 'finalize') {
      obj = structuredClone(old);
      const fins = (incoming.spec as Obj | undefined)?.finalizers;
      obj.spec = { ...((old.spec as Obj | undefined) ?? {}), finalizers: Array.isArray(fins) ? fins : [] };
    } else {
      obj = incoming;
      const md = meta(obj);
      for (const f of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'name', 'namespace', 'generateName']) {
        if (oldMd[f] === undefined) delete md[f];
        else md[f] = oldMd[f];
      }
      // A finalizer may not be added to an object already being deleted, but one may be removed.
      prepareForUpdate(info, obj, old);
    }
    obj.kind = info.kind;
    obj.apiVersion = groupVersion(info);
    const md = meta(obj);
    delete md.resourceVersion;
    delete md.managedFields;
    if (sub === undefined) this.modules.prepareForUpdate(info, obj, old);
    this.modules.defaultObject(info, obj);
    md.generation = (Number(oldMd.generation) || 1) + (sub === undefined && specChanged(info, old, obj) ? 1 : 0);
    const causes = this.modules.validateObject(info, obj, old, sub);
    if (causes.length > 0) throw errors.invalid(info.kind, name, causes, info.group || undefined);

    const key = this.key(info, ns, name);
    if (md.deletionTimestamp && finalizersEmpty(info, obj) && !(Number(md.deletionGracePeriodSeconds) > 0)) {
      if (opts.dryRun) return { body: present(info, { ...cur, value: obj }), code: 200 };
      const kv = await this.store.delete(key, cur.modRevision);
      return { body: present(info, { ...kv, value: obj }), code: 200 };
    }
    const oldCmp = { ...old, kind: info.kind, apiVersion: groupVersion(info), metadata: { ...oldMd } };
    delete (oldCmp.metadata as Obj).resourceVersion;
    if (deepEqual(oldCmp, obj) || opts.dryRun) {
      // No-op updates are not written (no new resourceVersion), as in kube-apiserver.
      return { body: present(info, { ...cur, value: obj }), code: 200 };
    }
    const kv = await this.store.update(key, forStorage(obj), cur.modRevision);
    return { body: present(info, kv), code: 200, kv };
  }

  // ---------------------------------------------------------------- delete

  async delete(info: ResourceInfo, ns: string | undefined, name: string, options: DeleteOptions = {}, opts: WriteOptions = {}): Promise<WriteResult> {
    for (let attempt = 0; ; attempt++) {
      const cur = await this.getKV(info, ns, name);
      const plan = planDeletion(info, cur, options, new Date());
      try {
        if (plan.action === 'none') return { body: present(info, cur), code: 200 };
        if (plan.action === 'update') {
          if (opts.dryRun) return { body: present(info, { ...cur, value: plan.object }), code: 200 };
          const kv = await this.store.update(this.key(info, ns, name), forStorage(plan.object), cur.modRevision);
          if (info.kind === 'Namespace') this.hooks.onNamespaceTerminating?.(name);
          return { body: present(info, kv), code: 200 };
        }
        const kv = opts.dryRun ? cur : await this.store.delete(this.key(info, ns, name), cur.modRevision);
        if (RETURN_DELETED_OBJECT.has(info.kind)) return { body: present(info, kv), code: 200 };
        const uid = meta(cur.value as Obj).uid as string | undefined;
        return {
          body: successStatus({ name, ...(info.group ? { group: info.group } : {}), kind: info.plural, ...(uid ? { uid } : {}) }) as unknown as Obj,
          code: 200,
        };
      } catch (e) {
        if (isStoreConflict(e) && attempt < CONFLICT_RETRIES) {
          await conflictPause(attempt);
          continue;
        }
        if (e instanceof StoreError && e.code === 'NotFound') throw errors.notFound(qualifiedResource(info), name);
        throw storeError(e, info, name);
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  checkFields(info: ResourceInfo, obj: Obj, opts: WriteOptions): void {
    const mode = opts.fieldValidation ?? 'Warn';
    if (mode === 'Ignore') return;
    const unknown = this.modules.unknownFields(info, obj);
    if (unknown.length === 0) return;
    if (mode === 'Strict') throw errors.badRequest(`strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`);
    for (const f of unknown) opts.warnings?.push(`unknown field "${f}"`);
  }
}

function finalizersEmpty(info: ResourceInfo, obj: Obj): boolean {
  const fins = meta(obj).finalizers;
  if (Array.isArray(fins) && fins.length > 0) return false;
  if (info.kind === 'Namespace') {
    const specFins = (obj.spec as Obj | undefined)?.finalizers;
    if (Array.isArray(specFins) && specFins.length > 0) return false;
  }
  return true;
}

/** kind/apiVersion in a body must name the URL's type when present; absent ones are filled in. */
export function checkTypeMeta(info: ResourceInfo, body: Obj): void {
  const gv = groupVersion(info);
  if (body.apiVersion !== undefined && body.apiVersion !== '' && body.apiVersion !== gv)
    throw errors.badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${gv})`);
  if (body.kind !== undefined && body.kind !== '' && body.kind !== info.kind)
    throw errors.badRequest(`${String(body.kind)} in version "${info.version}" cannot be handled as a ${info.kind}: the kind in the data (${String(body.kind)}) does not match the expected kind (${info.kind})`);
  if (body.metadata !== undefined && (body.metadata === null || typeof body.metadata !== 'object' || Array.isArray(body.metadata)))
    throw errors.badRequest(`${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: metadata must be an object`);
}

function checkNameAndNamespace(info: ResourceInfo, body: Obj, ns: string | undefined, name: string): void {
  const md = meta(body);
  if (md.name !== undefined && md.name !== '' && md.name !== name)
    throw errors.badRequest(`the name of the object (${String(md.name)}) does not match the name on the URL (${name})`);
  if (info.namespaced && md.namespace !== undefined && md.namespace !== '' && md.namespace !== ns)
    throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
}

function isStoreConflict(e: unknown): boolean {
  return e instanceof StoreError && e.code === 'Conflict';
}

/** Store failures as the Status kube-apiserver answers with. */
export function storeError(e: unknown, info: ResourceInfo, name: string): unknown {
  if (!(e instanceof StoreError)) return e;
  const res = qualifiedResource(info);
  switch (e.code) {
    case 'NotFound':
      return errors.notFound(res, name);
    case 'AlreadyExists':
      return errors.alreadyExists(res, name);
    case 'Conflict':
      return errors.conflict(res, name);
    case 'Gone':
      return errors.gone(e.message);
    default:
      return new ApiError(503, 'ServiceUnavailable', `storage unavailable: ${e.message}`);
  }
}
