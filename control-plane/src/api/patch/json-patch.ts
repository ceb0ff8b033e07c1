// RFC 6902 JSON patch. Own implementation (not fast-json-patch) so that errors map cleanly onto Kubernetes'
// answers: a malformed patch document is 400 BadRequest; an operation that cannot apply (missing path, failed
// `test`) is 422 Invalid, which kubectl prints as `The request is invalid: <message>`.
import { ApiError, errors } from '../status.js';
import { clone, deepEqual, isObj, set, type Obj } from './json-value.js';

type Op =
  | { op: 'add' | 'replace' | 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; path: string; from: string };

const bad = (msg: string) => errors.badRequest(`invalid JSON patch: ${msg}`);
const cannot = (msg: string) => new ApiError(422, 'Invalid', msg);

function parseOps(patch: unknown): Op[] {
  if (!Array.isArray(patch)) throw bad('the patch must be a JSON array of operations');
  return patch.map((o, i) => {
    if (!isObj(o)) throw bad(`operation ${i} is not an object`);
    const op = o.op;
    if (typeof o.path !== 'string') throw bad(`operation ${i} (${String(op)}) is missing a string "path"`);
    switch (op) {
      case 'add': case 'replace': case 'test':
        if (!Object.hasOwn(o, 'value')) throw bad(`operation ${i} (${op}) is missing "value"`);
        return { op, path: o.path, value: o.value };
      case 'remove':
        return { op, path: o.path };
      case 'move': case 'copy':
        if (typeof o.from !== 'string') throw bad(`operation ${i} (${op}) is missing a string "from"`);
        return { op, path: o.path, from: o.from };
      default:
        throw bad(`operation ${i} has unknown op ${JSON.stringify(op)}`);
    }
  });
}

/** RFC 6901 pointer -> unescaped tokens. */
function tokens(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw bad(`path ${JSON.stringify(pointer)} must start with "/"`);
  return pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function arrayIndex(arr: unknown[], tok: string, pointer: string, forAdd: boolean): number {
  if (forAdd && tok === '-') return arr.length;
  if (!/^(0|[1-9][0-9]*)$/.test(tok)) throw cannot(`invalid array index ${JSON.stringify(tok)} in path ${pointer}`);
  const i = Number(tok);
  if (i > arr.length || (!forAdd && i === arr.length)) throw cannot(`array index ${i} out of bounds in path ${pointer}`);
  return i;
}

/** The container holding the last token of `pointer`, and that token. */
function parentOf(doc: unknown, pointer: string): { parent: Obj | unknown[]; last: string } {
  const toks = tokens(pointer);
  let cur: unknown = doc;
  for (let i = 0; i < toks.length - 1; i++) {
    const t = toks[i];
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, t, pointer, false)];
    else if (isObj(cur) && Object.hasOwn(cur, t)) cur = cur[t];
    else throw cannot(`doc is missing path: ${pointer}: missing value`);
  }
  if (!Array.isArray(cur) && !isObj(cur)) throw cannot(`doc is missing path: ${pointer}: missing value`);
  return { parent: cur, last: toks[toks.length - 1] };
}

function getAt(doc: unknown, pointer: string, op: string): unknown {
  if (pointer === '') return doc;
  const { parent, last } = parentOf(doc, pointer);
  if (Array.isArray(parent)) return parent[arrayIndex(parent, last, pointer, false)];
  if (!Object.hasOwn(parent, last)) throw cannot(`${op} operation does not apply: doc is missing key: ${pointer}: missing value`);
  return parent[last];
}

function removeAt(doc: unknown, pointer: string, op: string): unknown {
  const { parent, last } = parentOf(doc, pointer);
  if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, last, pointer, false), 1)[0];
  if (!Object.hasOwn(parent, last)) throw cannot(`${op} operation does not apply: doc is missing key: ${pointer}: missing value`);
  const v = parent[last];
  delete parent[last];
  return v;
}

/** Returns the new document (the root may be replaced). */
function addAt(doc: unknown, pointer: string, value: unknown): unknown {
  if (pointer === '') return value;
  const { parent, last } = parentOf(doc, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, pointer, true), 0, value);
  else set(parent, last, value);
  return doc;
}

export function applyJsonPatch(current: Obj, patch: unknown): Obj {
  const ops = parseOps(patch);
  let doc: unknown = clone(current);
  for (const o of ops) {
    switch (o.op) {
      case 'add':
        doc = addAt(doc, o.path, clone(o.value));
        break;
      case 'remove':
        if (o.path === '') throw cannot('remove operation does not apply: cannot remove the whole document');
        removeAt(doc, o.path, 'remove');
        break;
      case 'replace':
        if (o.path === '') doc = clone(o.value);
        else {
          getAt(doc, o.path, 'replace'); // must exist
          const { parent, last } = parentOf(doc, o.path);
          if (Array.isArray(parent)) parent[arrayIndex(parent, last, o.path, false)] = clone(o.value);
          else set(parent, last, clone(o.value));
        }
        break;
      case 'move': {
        if (o.path !== o.from && o.path.startsWith(o.from + '/')) throw cannot(`move operation does not apply: "from" ${o.from} is a prefix of "path" ${o.path}`);
        const v = o.from === '' ? doc : removeAt(doc, o.from, 'move');
        doc = addAt(doc, o.path, v);
        break;
      }
      case 'copy':
        doc = addAt(doc, o.path, clone(getAt(doc, o.from, 'copy')));
        break;
      case 'test': {
        let v: unknown;
        try {
          v = getAt(doc, o.path, 'test');
        } catch {
          throw cannot(`testing value ${o.path} failed: test failed`);
        }
        if (!deepEqual(v, o.value)) throw cannot(`testing value ${o.path} failed: test failed`);
        break;
      }
    }
  }
  if (!isObj(doc)) throw cannot('the patched document is not a JSON object');
  return doc;
}

