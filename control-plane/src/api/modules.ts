// The one place that binds the API server to the pure modules other parts of the project provide
// (patch, openapi, tables, validation), behind one interface so the REST code does not care how
// they are organised.

import type { ResourceInfo } from './resources.js';
import type { StatusCause } from './status.js';
import type { IncludeObject } from './request.js';
import { applyPatch, isSupportedPatchType } from './patch/index.js';
import { openapiV3Document, openapiV3Index, unknownFields } from './openapi/index.js';
import { toTable } from './tables/index.js';
import { defaultObject, prepareForUpdate, validateObject } from './validation/index.js';

type Obj = Record<string, unknown>;

export interface Modules {
  applyPatch(contentType: string, current: object, body: string, info: ResourceInfo): object;
  isSupportedPatchType(ct: string): boolean;
  openapiV3Index(): object;
  openapiV3Document(gvPath: string): object | undefined;
  unknownFields(info: ResourceInfo, obj: object): string[];
  toTable(info: ResourceInfo, objects: object[], opts: { includeObject: IncludeObject; now?: Date; wide?: boolean }): object;
  defaultObject(info: ResourceInfo, obj: object): void;
  /** Update-only adjustments before defaulting (a Service keeps its allocated clusterIP and node ports). */
  prepareForUpdate(info: ResourceInfo, obj: object, old: object): void;
  /** `subresource` (status, finalize) limits the checks to what that subresource may change. */
  validateObject(info: ResourceInfo, obj: object, old?: object, subresource?: string): StatusCause[];
}

const modules: Modules = {
  applyPatch: (ct, current, body, info) => applyPatch(ct, current as Obj, body, info),
  isSupportedPatchType,
  openapiV3Index,
  openapiV3Document,
  unknownFields,
  toTable: (info, objects, opts) => toTable(info, objects, opts),
  defaultObject: (info, obj) => defaultObject(info, obj as Obj),
  prepareForUpdate: (info, obj, old) => prepareForUpdate(info, obj as Obj, old as Obj),
  validateObject: (info, obj, old, subresource) => validateObject(info, obj as Obj, old as Obj | undefined, subresource ? { subresource } : {}),
};

export async function loadModules(): Promise<Modules> {
  return modules;
}
