// field.Error as k8s.io/apimachinery prints it: StatusCause{reason: FieldValue<Type>,
// message: ErrorBody(), field: path}. ErrorBody quotes strings (%q), prints numbers and booleans
// bare and falls back to Go's %#v for structures, which callers pass pre-rendered as GoValue.

import type { StatusCause } from '../status.js';

/** A value already rendered the way Go's %#v would render it (e.g. `map[string]string{"a":"b"}`). */
export class GoValue {
  constructor(readonly text: string) {}
}

/** strconv.Quote for the ASCII and common cases. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + '"';
}

/** %#v of a map[string]string: keys sorted, as fmt prints maps. */
export function goStringMap(m: Record<string, unknown> | undefined | null): GoValue {
  if (m == null) return new GoValue('map[string]string(nil)');
  const keys = Object.keys(m).sort();
  return new GoValue(`map[string]string{${keys.map((k) => `${goQuote(k)}:${goQuote(String(m[k]))}`).join(', ')}}`);
}

/** %#v of a []string. */
export function goStringSlice(a: unknown[] | undefined | null): GoValue {
  if (a == null) return new GoValue('[]string(nil)');
  return new GoValue(`[]string{${a.map((x) => goQuote(String(x))).join(', ')}}`);
}

function render(value: unknown): string {
  if (value instanceof GoValue) return value.text;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

export type Causes = StatusCause[];

export const fe = {
  required(field: string, detail = ''): StatusCause {
    return { reason: 'FieldValueRequired', message: detail ? `Required value: ${detail}` : 'Required value', field };
  },
  invalid(field: string, value: unknown, detail: string): StatusCause {
    return { reason: 'FieldValueInvalid', message: `Invalid value: ${render(value)}${detail ? `: ${detail}` : ''}`, field };
  },
  notSupported(field: string, value: unknown, valid: readonly string[]): StatusCause {
    const detail = valid.length > 0 ? `: supported values: ${valid.map(goQuote).join(', ')}` : '';
    return { reason: 'FieldValueNotSupported', message: `Unsupported value: ${render(value)}${detail}`, field };
  },
  duplicate(field: string, value: unknown): StatusCause {
    return { reason: 'FieldValueDuplicate', message: `Duplicate value: ${render(value)}`, field };
  },
  notFound(field: string, value: unknown): StatusCause {
    return { reason: 'FieldValueNotFound', message: `Not found: ${render(value)}`, field };
  },
  forbidden(field: string, detail: string): StatusCause {
    return { reason: 'FieldValueForbidden', message: detail ? `Forbidden: ${detail}` : 'Forbidden', field };
  },
  tooLong(field: string, maxLength: number): StatusCause {
    return { reason: 'FieldValueTooLong', message: `Too long: may not be more than ${maxLength} ${maxLength === 1 ? 'byte' : 'bytes'}`, field };
  },
  tooMany(field: string, actual: number, max: number): StatusCause {
    return { reason: 'FieldValueTooMany', message: `Too many: ${actual}: must have at most ${max} items`, field };
  },
};

export const FIELD_IMMUTABLE = 'field is immutable';
export const NEGATIVE = 'must be greater than or equal to 0';
