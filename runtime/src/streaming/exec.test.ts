// exec/attach driven by the real kubectl against a stand-in API server; the protocol code is the real one.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { handleAttachUpgrade, handleExecUpgrade } from './exec.js';
import { EventEmitter, once } from 'node:events';
import { spawn } from 'node:child_process';
import type { ExecIO } from './exec-options.js';
import type { TerminalSize } from './resize.js';
import { hasKubectl, kubectlPath, startHarness, type Harness } from './kubectl-harness.js';

const sessions = new EventEmitter();

/** A tiny "container": echo, exit N, cat (stdin to stdout), err (to stderr), tty (reports the tty flag). */
async function fakeProcess(io: ExecIO): Promise<number> {
  const [cmd, ...args] = io.command;
  switch (cmd) {
    case 'echo':
      io.stdout.write(args.join(' ') + '\n');
      return 0;
    case 'exit':
      return Number(args[0]);
    case 'cat':
      if (!io.stdin) return 2;
      for await (const chunk of io.stdin) io.stdout.write(chunk);
      return 0;
    case 'err':
      io.stdout.write('to-out\n');
      io.stderr.write('to-err\n');
      return 0;
    case 'big': {
      // Larger than SPDY's 64 KiB initial window and than one DATA frame.
      const line = 'x'.repeat(99) + '\n';
      for (let i = 0; i < 3000; i++) io.stdout.write(line);
      return 0;
    }
    case 'tty': {
      // Reports what a terminal session sees: the tty flag, the first size, stderr merged into stdout.
      const [size] = (await once(io.resize, 'resize', { signal: io.signal })) as [TerminalSize];
      io.stdout.write(`tty=${io.tty} size=${size.Width}x${size.Height} merged=${io.stderr === io.stdout}\n`);
      io.stderr.write('via-stderr\n');
      return 0;
    }
    case 'wait': {
      // Runs until the client goes away; tells the test through `sessions`.
      const ev = sessions.emit.bind(sessions);
      ev('started');
      await new Promise<void>((resolve) => io.signal.addEventListener('abort', () => resolve(), { once: true }));
      ev('aborted');
      return 0;
    }
    default:
      throw new Error(`no such command: ${cmd}`);
  }
}

/** Runs a shell command under `script` (a pseudo-terminal); bounded, async so the in-process server keeps serving. */
function runInTerminal(cmd: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn('script', ['-qec', cmd, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stdout += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout });
    });
  });
}

const SPDY = { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' };

describe('kubectl exec (real kubectl 1.32)', { skip: !hasKubectl(32) && 'kubectl.1.32 not installed', timeout: 120_000 }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      exec: (req, socket, head) => void handleExecUpgrade(req, socket, head, { run: fakeProcess }),
      attach: (req, socket, head) =>
        void handleAttachUpgrade(req, socket, head, {
          run: async (io) => {
            io.stdout.write(`attached to ${io.container}\n`);
            return 7; // attach reports Success whatever the process did
          },
        }),
    });
  });
  after(() => h.close());

  for (const [name, env] of [['WebSocket v5', {}], ['SPDY/3.1 fallback', SPDY]] as const) {
    describe(name, () => {
      it('echo hi prints hi and exits 0', async () => {
        const before = h.upgrades.length;
        const r = await h.kubectl(32, ['exec', 'web', '--', 'echo', 'hi'], { env });
        assert.equal(r.stdout, 'hi\n', r.stderr);
        assert.equal(r.code, 0, r.stderr);
        const seen = h.upgrades.slice(before);
        assert.deepEqual(seen, [name === 'WebSocket v5' ? 'GET /api/v1/namespaces/default/pods/web/exec websocket' : 'POST /api/v1/namespaces/default/pods/web/exec SPDY/3.1']);
      });

      it('a command exiting 3 makes kubectl exit 3', async () => {
        const r = await h.kubectl(32, ['exec', 'web', '--', 'exit', '3'], { env });
        assert.equal(r.code, 3, r.stderr);
        assert.match(r.stderr, /command terminated with exit code 3/);
      });

      it('exec -i echoes piped stdin back', async () => {
        const input = 'line one\nline two\n';
        const r = await h.kubectl(32, ['exec', '-i', 'web', '--', 'cat'], { env, stdin: input });
        assert.equal(r.stdout, input, r.stderr);
        assert.equal(r.code, 0);
      });

      it('exec -i relays 1 MB of stdin and back intact', async () => {
        const input = Array.from({ length: 16_384 }, (_, i) => `${String(i).padStart(8, '0')}${'y'.repeat(55)}\n`).join('');
        const r = await h.kubectl(32, ['exec', '-i', 'web', '--', 'cat'], { env, stdin: input });
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout.length, input.length);
        assert.ok(r.stdout === input, 'output differs from input');
      });

      it('keeps stdout and stderr apart', async () => {
        const r = await h.kubectl(32, ['exec', 'web', '--', 'err'], { env });
        assert.equal(r.stdout, 'to-out\n');
        assert.equal(r.stderr, 'to-err\n');
        assert.equal(r.code, 0);
      });

      it('delivers 300 kB of output intact', async () => {
        const r = await h.kubectl(32, ['exec', 'web', '--', 'big'], { env });
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout.length, 300_000);
        assert.equal(r.stdout, ('x'.repeat(99) + '\n').repeat(3000));
      });

      it('a failing run is reported as an error, not a hang', async () => {
        const r = await h.kubectl(32, ['exec', 'web', '--', 'nosuch'], { env });
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /no such command: nosuch/);
      });

      it('exec -it runs with a terminal: tty=true, no stderr channel, resize events', async () => {
        // `script` gives kubectl a pseudo-terminal of a known size, so it really enters tty mode.
        const envs = Object.entries(env).map(([k, v]) => `${k}=${v} `).join('');
        const cmd = `stty cols 100 rows 30; ${envs}HOME=${h.home} ${kubectlPath(32)} --kubeconfig ${h.kubeconfig} exec -it web -- tty`;
        const r = await runInTerminal(cmd);
        assert.match(r.stdout, /tty=true size=100x30 merged=true\r?\nvia-stderr/, r.stdout);
        assert.equal(r.code, 0, r.stdout);
        const url = h.upgradeUrls[h.upgradeUrls.length - 1];
        assert.match(url, /tty=true/);
        assert.doesNotMatch(url, /stderr=true/);
      });

      it('aborts the run signal when kubectl goes away mid-command', async () => {
        const started = once(sessions, 'started');
        const aborted = once(sessions, 'aborted');
        const child = h.spawnKubectl(32, ['exec', 'web', '--', 'wait'], env);
        await started;
        child.kill('SIGKILL');
        await aborted; // bounded by the suite timeout
      });

      it('attach streams output and exits 0', async () => {
        const r = await h.kubectl(32, ['attach', 'web', '-c', 'main'], { env });
        assert.match(r.stdout, /attached to main/, r.stderr);
        assert.equal(r.code, 0, r.stderr);
      });
    });
  }
});

describe('kubectl 1.29 exec (SPDY only)', { skip: !hasKubectl(29) && 'kubectl.1.29 not installed', timeout: 60_000 }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ exec: (req, socket, head) => void handleExecUpgrade(req, socket, head, { run: fakeProcess }) });
  });
  after(() => h.close());

  it('echo and exit codes work', async () => {
    const ok = await h.kubectl(29, ['exec', 'web', '--', 'echo', 'old', 'client']);
    assert.equal(ok.stdout, 'old client\n', ok.stderr);
    assert.equal(ok.code, 0);
    const bad = await h.kubectl(29, ['exec', 'web', '--', 'exit', '5']);
    assert.equal(bad.code, 5, bad.stderr);
    assert.ok(h.upgrades.every((u) => u.startsWith('POST ') && u.endsWith('SPDY/3.1')), h.upgrades.join('\n'));
  });
});
