// resolveInside(): every way out of a directory capability is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveInside } from './fs-confine.js';
import { E } from './wasi-abi.js';

test('paths stay inside the directory; escapes fail with ENOTCAPABLE', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'confine-'));
  const base = path.join(root, 'mnt');
  fs.mkdirSync(path.join(base, 'a/b'), { recursive: true });
  fs.writeFileSync(path.join(base, 'a/f'), 'x');
  fs.writeFileSync(path.join(root, 'secret'), 's');
  fs.symlinkSync('/etc', path.join(base, 'abs'));
  fs.symlinkSync('../secret', path.join(base, 'rel-out'));
  fs.symlinkSync('b/../f', path.join(base, 'a/in'));
  fs.symlinkSync('../../..', path.join(base, 'a/b/deep'));
  fs.symlinkSync('loop2', path.join(base, 'loop1'));
  fs.symlinkSync('loop1', path.join(base, 'loop2'));

  const ok = (p: string, follow = true) => {
    const r = resolveInside(base, p, follow);
    assert.equal(r.errno, 0, `${p}: errno ${r.errno}`);
    return 'host' in r ? r.host : '';
  };
  const err = (p: string, errno: number, follow = true) => assert.equal(resolveInside(base, p, follow).errno, errno, p);

  assert.equal(ok('a/b/../f'), path.join(base, 'a/f'));
  assert.equal(ok('./a//b/'), path.join(base, 'a/b'));
  assert.equal(ok('a/in'), path.join(base, 'a/f'));
  assert.equal(ok('a/in', false), path.join(base, 'a/in')); // not followed: the link itself
  assert.equal(ok('new-file'), path.join(base, 'new-file'));
  assert.equal(ok('.'), base);
  err('..', E.NOTCAPABLE);
  err('a/../..', E.NOTCAPABLE);
  err('a/../../mnt/a', E.NOTCAPABLE);
  err('/etc/passwd', E.NOTCAPABLE);
  err('abs', E.NOTCAPABLE);
  err('abs/passwd', E.NOTCAPABLE);
  err('abs/passwd', E.NOTCAPABLE, false); // a symlink in the middle is always resolved
  err('rel-out', E.NOTCAPABLE);
  err('a/b/deep/secret', E.NOTCAPABLE);
  err('loop1', E.LOOP);
  err('a/f/x', E.NOTDIR);
  err('missing/x', E.NOENT);
  err('a\0b', E.INVAL);
  fs.rmSync(root, { recursive: true, force: true });
});
