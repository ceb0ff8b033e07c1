// Shape of the generated type table (k8s-types.generated.ts): one entry per API definition.

/** string | int32 | int64 | number | boolean | byte | date-time | int-or-string | any | a definition id,
 *  ['a', T] (array of T) or ['m', T] (object whose values are T). */
export type FieldType = string | readonly ['a' | 'm', FieldType];

export interface TypeDef {
  /** Fields: name -> [type] or [type, description]. */
  f: Record<string, readonly [FieldType] | readonly [FieldType, string]>;
  /** Description of the type. */
  d?: string;
  /** For top-level kinds: [group, version, kind]. */
  gvk?: readonly [string, string, string];
}

export type TypeTable = Record<string, TypeDef>;

export const SCALARS = new Set(['string', 'int32', 'int64', 'number', 'boolean', 'byte', 'date-time', 'int-or-string', 'any']);
