// The `wasmkube` command as a user meets it: help, usage errors with exit code 2 and one readable
// line, the image store commands, and `up` → kubectl → Ctrl-C → `up` again resumes the state.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';

// The bundle is what users run (`npm start`, the `wasmkube` bin): test that one.
const MAIN = fileURLToPath(new URL('./bundle/main.js', import.meta.url));
const REPO = resolve(dirname(MAIN), '../../..');
const HTTPD = join(REPO, 'runtime/src/sandbox/testdata/httpd.wasm');
const KUBECTL = '/usr/lib/google-cloud-sdk/bin/kubectl.1.32';

function wk(...args: string[]) {
  return spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 30_000 });
}

test('help, version and usage errors', () => {
  const help = wk('--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /Usage: wasmkube <command>/);
  assert.match(wk('up', '--help').stdout, /--nodes N/);
  assert.match(wk('version').stdout, /^wasmkube \d+\.\d+\.\d+ \(Kubernetes API v1\.32/);

  for (const [args, message] of [
    [['frobnicate'], /unknown command "frobnicate"/],
    [['up', '--nodes', 'many'], /--nodes must be a whole number from 1 to 64, got "many"/],
    [['up', '--bogus'], /Unknown option '--bogus'/],
    [['node', '--name', 'n1'], /--server URL is required/],
    [['image', 'load', 'x:1'], /usage: wasmkube image load NAME\[:TAG\] FILE/],
  ] as const) {
    const r = wk(...args);
    assert.equal(r.status, 2, `${args.join(' ')} exits 2`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
  }
});

test('image load refuses non-wasm files and image ls lists what was loaded', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wk-cli-'));
  try {
    await writeFile(join(dir, 'not.wasm'), '#!/bin/sh\necho hi\n');
    const bad = wk('image', 'load', 'x:1', join(dir, 'not.wasm'), '--data-dir', dir);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /is not a WebAssembly module or component/);
    const ok = wk('image', 'load', 'httpd:1', HTTPD, '--data-dir', dir);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /loaded httpd:1 \(sha256:[0-9a-f]{64}, \d+ bytes\)/);
    const ls = wk('image', 'ls', '--data-dir', dir);
    assert.match(ls.stdout, /httpd:1\s+sha256:[0-9a-f]{12}/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

/** Runs `up` until it prints its KUBECONFIG line; returns the process and that path. */
async function up(dataDir: string): Promise<{ child: ReturnType<typeof spawn>; kubeconfig: string; output: () => string }> {
  const child = spawn(process.execPath, [MAIN, 'up', '--port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (out += s));
  const kubeconfig = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`up did not print KUBECONFIG:\n${out}`)), 30_000);
    const check = () => {
      const m = /export KUBECONFIG=(\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        res(m[1]);
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', () => rej(new Error(`up exited early:\n${out}`)));
  });
  return { child, kubeconfig, output: () => out };
}

async function stop(child: ReturnType<typeof spawn>): Promise<number | null> {
  child.kill('SIGINT');
  return new Promise((r) => child.once('exit', (code) => r(code)));
}

test('up serves kubectl, stops on Ctrl-C, and resumes its state on the same data dir', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'wk-up-'));
  const home = join(dataDir, 'home');
  const kubectl = (kubeconfig: string, ...args: string[]) =>
    spawnSync(KUBECTL, ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8', env: { HOME: home, PATH: process.env.PATH }, timeout: 30_000 });
  try {
    const first = await up(dataDir);
    assert.equal(first.kubeconfig, join(dataDir, 'kubeconfig'));
    assert.match(first.output(), /node node-1 ready/);
    const nodes = kubectl(first.kubeconfig, 'get', 'nodes');
    assert.match(nodes.stdout, /node-1\s+Ready/);
    const cm = kubectl(first.kubeconfig, 'create', 'configmap', 'kept', '--from-literal=a=b');
    if (cm.status !== 0) {
      // `kubectl create configmap` sends protobuf; fall back to a manifest if the server refuses it.
      const f = join(dataDir, 'cm.yaml');
      await writeFile(f, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kept}\ndata: {a: b}\n');
      assert.equal(kubectl(first.kubeconfig, 'apply', '-f', f).status, 0);
    }
    assert.equal(await stop(first.child), 0);
    assert.match(first.output(), /SIGINT: stopping the cluster/);

    const second = await up(dataDir);
    try {
      // The resumed cluster keeps its address ranges: its Services and pods hold addresses in them.
      const range = (out: string) => /pod range (\S+), service range (\S+)\)/.exec(out)?.slice(1).join(' ');
      assert.ok(range(first.output()));
      assert.equal(range(second.output()), range(first.output()));
      const got = kubectl(second.kubeconfig, 'get', 'configmap', 'kept', '-o', 'jsonpath={.data.a}');
      assert.equal(got.stdout, 'b', got.stderr);
    } finally {
      assert.equal(await stop(second.child), 0);
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

for (const [when, line] of [
  ['starting its node', /API server listening/],
  ['applying its manifests', /node node-1 ready/],
] as const) {
  test(`Ctrl-C while up is still ${when} stops the cluster cleanly (exit 0, no error)`, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'wk-up-'));
    try {
      const child = spawn(process.execPath, [MAIN, 'up', '--port', '0', '--data-dir', dataDir, '--apply', join(REPO, 'sample-pods/manifests')], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
      child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      for (let i = 0; i < 3000 && !line.test(out); i++) await new Promise((r) => setTimeout(r, 5));
      assert.match(out, line);
      child.kill('SIGINT');
      assert.equal(await exited, 0, `${out}\n${err}`);
      assert.match(out, /SIGINT: stopping the cluster[\s\S]*stopped/);
      assert.doesNotMatch(err, /wasmkube:/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
}

test('a manifest the API refuses fails up with one line naming it (exit 1)', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'wk-up-'));
  try {
    const manifests = join(dataDir, 'manifests');
    await mkdir(manifests);
    await writeFile(join(manifests, 'bad.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: Not_A_Name}\nspec: {containers: [{name: c, image: web:1.0}]}\n');
    const r = spawnSync(process.execPath, [MAIN, 'up', '--port', '0', '--data-dir', join(dataDir, 'data'), '--apply', manifests], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^wasmkube: Pod Not_A_Name: .*Not_A_Name/);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

/** Spawns the CLI and resolves once its output matches `ready`; `out()` is everything it printed so far. */
async function spawnUntil(args: string[], ready: RegExp): Promise<{ child: ReturnType<typeof spawn>; out: () => string; match: RegExpExecArray }> {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (out += s));
  const match = await new Promise<RegExpExecArray>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`no ${ready} from wasmkube ${args[0]}:\n${out}`)), 30_000);
    const check = () => {
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        res(m);
      }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.on('exit', () => rej(new Error(`wasmkube ${args[0]} exited early:\n${out}`)));
  });
  return { child, out: () => out, match };
}

test('control-plane and node run apart (two processes): a pod applied with kubectl runs on the node and answers', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wk-split-'));
  const home = join(dir, 'home');
  const running: ReturnType<typeof spawn>[] = [];
  try {
    const cp = await spawnUntil(['control-plane', '--port', '0', '--data-dir', join(dir, 'cp'), '--pod-cidr', '127.233.0.0/16'], /export KUBECONFIG=(\S+)/);
    running.push(cp.child);
    const kubeconfig = cp.match[1];
    const url = /control plane listening on (http:\/\/\S+)/.exec(cp.out())![1];
    const nodeDir = join(dir, 'n1');
    assert.equal(wk('image', 'load', 'web:1.0', join(REPO, 'sample-pods/images/web.wasm'), '--data-dir', nodeDir).status, 0);
    const node = await spawnUntil(['node', '--server', url, '--name', 'n1', '--data-dir', nodeDir], /node n1 registered/);
    running.push(node.child);

    const kubectl = (...args: string[]) => spawnSync(KUBECTL, ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8', env: { HOME: home, PATH: process.env.PATH }, timeout: 30_000 });
    const pod = join(dir, 'pod.yaml');
    await writeFile(pod, 'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - {name: web, image: "web:1.0", ports: [{containerPort: 8080}]}\n');
    const applied = kubectl('apply', '-f', pod);
    assert.equal(applied.status, 0, applied.stderr);
    const wait = kubectl('wait', '--for=condition=Ready', 'pod/web', '--timeout=30s');
    assert.equal(wait.status, 0, wait.stderr);
    const where = kubectl('get', 'pod', 'web', '-o', 'jsonpath={.spec.nodeName} {.status.podIP}').stdout.split(' ');
    assert.equal(where[0], 'n1');
    assert.match(where[1], /^127\.233\.\d+\.\d+$/);
    const res = await request(`http://${where[1]}:8080/`);
    assert.match(await res.body.text(), /^hello from web/);
    for (const c of running.splice(0).reverse()) assert.equal(await stop(c), 0);
  } finally {
    for (const c of running) c.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});
