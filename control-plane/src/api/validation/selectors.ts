// metav1.LabelSelector checks and matching, and Go's %#v rendering of a selector for messages
// such as "spec.selector: Invalid value: v1.LabelSelector{...}: field is immutable".

import { fe, GoValue, goQuote, goStringMap } from './errors.js';
import type { Causes } from './errors.js';
import { validateLabels } from './meta.js';
import { isQualifiedName } from './names.js';
import { arr, isObj, obj, str } from './util.js';
import type { Obj } from './util.js';

export const SELECTOR_MISMATCH = '`selector` does not match template `labels`';

export function validateLabelSelector(sel: unknown, path: string, out: Causes): void {
  if (!isObj(sel)) return;
  arr(sel.matchExpressions).forEach((e, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    const values = Array.isArray(e.values) ? e.values : [];
    switch (e.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) out.push(fe.required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) out.push(fe.forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        out.push(fe.invalid(`${p}.operator`, e.operator ?? '', 'not a valid selector operator'));
    }
    for (const msg of isQualifiedName(str(e.key))) out.push(fe.invalid(`${p}.key`, str(e.key), msg));
  });
  validateLabels(sel.matchLabels, `${path}.matchLabels`, out);
}

/** Does a LabelSelector (nil selects nothing) match these labels? */
export function selectorMatches(sel: unknown, labels: unknown): boolean {
  if (!isObj(sel)) return false;
  const l = obj(labels);
  for (const [k, v] of Object.entries(obj(sel.matchLabels))) if (l[k] !== v) return false;
  for (const e of arr(sel.matchExpressions)) {
    const key = str(e.key);
    const has = Object.prototype.hasOwnProperty.call(l, key);
    const values = Array.isArray(e.values) ? (e.values as unknown[]).map(String) : [];
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(String(l[key]))) return false;
        break;
      case 'NotIn':
        if (has && values.includes(String(l[key]))) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

export function selectorIsEmpty(sel: Obj): boolean {
  return Object.keys(obj(sel.matchLabels)).length + arr(sel.matchExpressions).length === 0;
}

/** %#v of a v1.LabelSelector value. */
export function goLabelSelector(sel: unknown): GoValue {
  const s = obj(sel);
  const ml = isObj(s.matchLabels) ? goStringMap(s.matchLabels).text : 'map[string]string(nil)';
  const me = Array.isArray(s.matchExpressions)
    ? `[]v1.LabelSelectorRequirement{${arr(s.matchExpressions)
        .map((e) => {
          const vals = Array.isArray(e.values) ? `[]string{${(e.values as unknown[]).map((v) => goQuote(String(v))).join(', ')}}` : '[]string(nil)';
          return `v1.LabelSelectorRequirement{Key:${goQuote(str(e.key))}, Operator:${goQuote(str(e.operator))}, Values:${vals}}`;
        })
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return new GoValue(`v1.LabelSelector{MatchLabels:${ml}, MatchExpressions:${me}}`);
}
