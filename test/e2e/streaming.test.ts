// kubectl logs, exec and port-forward end to end: the real kubectl -> kite's API server -> the
// agent server -> containerd (CRI streaming) and the pod network, over WebSocket and over SPDY.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { get as httpGet } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { containerdSkipReason } from '../util/containerd.js';
import { freePort } from '../util/kite-server.js';
import { FOREVER, POD, type StreamingEnv, WEB_PORT, startStreamingEnv } from '../util/streaming-env.js';
import { untilWithin } from '../util/until.js';

const skip = containerdSkipReason() ?? (process.env.PATH?.split(':').some((d) => d) ? undefined : 'no PATH');
if (skip) console.log(`# streaming e2e skipped: ${skip}`);

const SPDY_EXEC = { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' };
const SPDY_PORT_FORWARD = { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' };

const until = untilWithin(10_000, 50);

function httpText(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpGet({ host: '127.0.0.1', port, path: '/', agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** A long-running kubectl whose output is collected as it comes. */
function spawnKubectl(env: StreamingEnv, args: string[], extraEnv: Record<string, string> = {}): { child: ChildProcess; out: () => string; exited: Promise<number | null> } {
  const child = spawn('kubectl', [...env.kubectlArgs(), ...args], { env: { ...process.env, ...extraEnv }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, out: () => out, exited };
}

describe('kubectl logs / exec / port-forward through kite (e2e)', { skip }, () => {
  let env: StreamingEnv;
  before(async () => {
    env = await startStreamingEnv();
  });
  after(async () => {
    await env?.stop();
  });

  test('logs: whole log (default container from the annotation), partial lines joined, both streams', async () => {
    const r = await until('the app log', async () => {
      const res = await env.kubectl(['logs', POD]);
      return res.stdout.includes('hello 3') ? res : undefined;
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hello 1\nhello 2\noops\nno newline yet - done\nhello 3\n');
  });

  test('logs --tail, --timestamps, --limit-bytes', async () => {
    let r = await env.kubectl(['logs', POD, '-c', 'app', '--tail=2']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'no newline yet - done\nhello 3\n');
    r = await env.kubectl(['logs', POD, '-c', 'app', '--timestamps', '--tail=1']);
    assert.match(r.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d) hello 3\n$/);
    r = await env.kubectl(['logs', POD, '-c', 'app', '--limit-bytes=10']);
    assert.equal(r.stdout, 'hello 1\nhe');
  });

  test('logs -f streams new lines until stopped; ends by itself when the container exits', async () => {
    const follow = spawnKubectl(env, ['logs', '-f', POD, '-c', 'ticker', '--tail=1']);
    const seen = await until('three new ticks', () => {
      const ticks = follow.out().match(/tick \d+/g) ?? [];
      return ticks.length >= 3 ? ticks : undefined;
    });
    const numbers = seen.map((t) => Number(t.split(' ')[1]));
    assert.deepEqual(numbers.slice(1, 3), [numbers[0]! + 1, numbers[0]! + 2], 'consecutive ticks, the first one being the tail');
    follow.child.kill('SIGTERM');
    await follow.exited;

    await env.startContainer('short', 'echo start; sleep 1.5; echo end');
    const short = spawnKubectl(env, ['logs', '-f', POD, '-c', 'short']);
    const code = await Promise.race([short.exited, new Promise((r) => setTimeout(() => r('still running'), 15_000))]);
    assert.equal(code, 0, short.out());
    assert.equal(short.out(), 'start\nend\n');
  });

  test('logs --previous shows the last terminated instance', async () => {
    let r = await env.kubectl(['logs', POD, '-c', 'app', '--previous']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Error from server \(BadRequest\): previous terminated container "app" in pod "demo" not found/);
    const first = await env.startContainer('restarter', 'echo run 0; exit 1', 0);
    await until('the first run to exit', async () => ((await env.c.runtime.containerStatus(first)).status?.state === 'CONTAINER_EXITED' ? true : undefined));
    await env.startContainer('restarter', `echo run 1; ${FOREVER}`, 1);
    r = await env.kubectl(['logs', POD, '-c', 'restarter', '--previous']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'run 0\n');
    r = await until('the second run', async () => {
      const res = await env.kubectl(['logs', POD, '-c', 'restarter']);
      return res.stdout ? res : undefined;
    });
    assert.equal(r.stdout, 'run 1\n');
  });

  test('logs: unknown container and pod are refused like kube-apiserver does; an unscheduled pod has an empty log', async () => {
    // kubectl checks container names itself; the API is asked directly to see the server's answer.
    let r = await env.kubectl(['get', '--raw', `/api/v1/namespaces/default/pods/${POD}/log?container=nope`]);
    assert.match(r.stderr, /Error from server \(BadRequest\): container nope is not valid for pod demo/);
    r = await env.kubectl(['get', '--raw', `/api/v1/namespaces/default/pods/${POD}/log?tailLines=-1`]);
    assert.match(r.stderr, /PodLogOptions "demo" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0/);
    r = await env.kubectl(['logs', 'missing']);
    assert.match(r.stderr, /\(NotFound\): pods "missing" not found/);
    r = await env.kubectl(['run', 'unscheduled', '--image=kite.local/busybox:latest', '--restart=Never']);
    assert.equal(r.code, 0, r.stderr);
    r = await env.kubectl(['logs', 'unscheduled']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    r = await env.kubectl(['exec', 'unscheduled', '--', 'true']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /pod unscheduled is not running \(phase Pending\)/);
  });

  for (const [label, extraEnv, upgrade] of [['WebSocket', {}, 'websocket'], ['SPDY', SPDY_EXEC, 'SPDY/3.1']] as const) {
    test(`exec over ${label}: output, exit code, stdin`, async () => {
      const before = env.upgrades.length;
      let r = await env.kubectl(['exec', POD, '--', 'echo', 'hi'], { env: extraEnv });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'hi\n');
      assert.equal(env.upgrades[before], upgrade, `the agent saw ${env.upgrades.slice(before).join(', ')}`);

      r = await env.kubectl(['exec', POD, '-c', 'app', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3'], { env: extraEnv });
      assert.equal(r.code, 3);
      assert.equal(r.stdout, 'out\n');
      assert.match(r.stderr, /^err\ncommand terminated with exit code 3\n$/);

      const input = Array.from({ length: 2000 }, (_, i) => `line ${i}`).join('\n') + '\n';
      r = await env.kubectl(['exec', '-i', POD, '--', 'sh', '-c', 'wc -l; echo done'], { env: extraEnv, stdin: input });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.replace(/ +/g, ''), '2000\ndone\n');
      r = await env.kubectl(['exec', '-i', POD, '--', 'cat'], { env: extraEnv, stdin: 'round trip\n' });
      assert.equal(r.stdout, 'round trip\n');
      // 8 MB each way: nothing lost or reordered, and a slow reader does not break the session.
      r = await env.kubectl(['exec', POD, '--', 'sh', '-c', 'head -c 8000000 /dev/zero | tr "\\0" x'], { env: extraEnv, timeoutMs: 60_000 });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.length, 8_000_000);
      assert.ok(/^x+$/.test(r.stdout));
      r = await env.kubectl(['exec', '-i', POD, '--', 'sh', '-c', 'md5sum'], { env: extraEnv, stdin: 'y'.repeat(8_000_000), timeoutMs: 60_000 });
      assert.equal(r.stdout.split(' ')[0], createHash('md5').update('y'.repeat(8_000_000)).digest('hex'));
    });

    test(`attach over ${label}: the output of the running process`, async () => {
      const attach = spawnKubectl(env, ['attach', POD, '-c', 'ticker'], extraEnv);
      try {
        const seen = await until('two ticks', () => {
          const ticks = attach.out().match(/tick \d+/g) ?? [];
          return ticks.length >= 2 ? ticks : undefined;
        });
        assert.equal(Number(seen[1]!.split(' ')[1]), Number(seen[0]!.split(' ')[1]) + 1);
      } finally {
        attach.child.kill('SIGTERM');
        await attach.exited;
      }
    });

    test(`exec -it over ${label}: an interactive shell on a terminal`, async () => {
      // The local terminal's size reaches the container's terminal through the resize stream.
      const cmd = `stty cols 123 rows 45; ${['kubectl', ...env.kubectlArgs(), 'exec', '-it', POD, '--', 'sh'].map((a) => `'${a}'`).join(' ')}`;
      const child = spawn('script', ['-qefc', cmd, '/dev/null'], { env: { ...process.env, ...extraEnv, TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      await until('a prompt', () => (out.includes('# ') ? true : undefined));
      child.stdin.write('echo $((6 * 7)); tty; stty size\n');
      await until('the answer', () => (/\b42\b/.test(out) && /\b45 123\b/.test(out) ? true : undefined));
      assert.match(out, /\/dev\/pts\/\d+/);
      child.stdin.write('exit 7\n');
      assert.equal(await exited, 7, out);
      assert.match(out, /command terminated with exit code 7/);
    });

    test(`port-forward over ${label === 'SPDY' ? 'plain SPDY' : 'SPDY in a WebSocket'}: HTTP through the tunnel`, async () => {
      const local = await freePort();
      const before = env.upgrades.length;
      const pf = spawnKubectl(env, ['port-forward', `pod/${POD}`, `${local}:${WEB_PORT}`], label === 'SPDY' ? SPDY_PORT_FORWARD : {});
      try {
        await until('port-forward to listen', () => (pf.out().includes(`Forwarding from 127.0.0.1:${local}`) ? true : undefined));
        for (let i = 0; i < 3; i++) {
          const res = await httpText(local);
          assert.equal(res.status, 200);
          assert.match(res.body, /Hello from kite/);
        }
        assert.equal(env.upgrades[before], upgrade, `the agent saw ${env.upgrades.slice(before).join(', ')}`);
        assert.doesNotMatch(pf.out(), /error/i);
      } finally {
        pf.child.kill('SIGTERM');
        await pf.exited;
      }
    });
  }

  test('port-forward to a closed port reports the error and keeps serving', async () => {
    const local = await freePort();
    const pf = spawnKubectl(env, ['port-forward', `pod/${POD}`, `${local}:9`]);
    try {
      await until('port-forward to listen', () => (pf.out().includes(`Forwarding from 127.0.0.1:${local}`) ? true : undefined));
      await assert.rejects(httpText(local));
      await until('the error', () => (/error forwarding port 9 to pod default\/demo/.test(pf.out()) ? true : undefined));
    } finally {
      pf.child.kill('SIGTERM');
      await pf.exited;
    }
  });

  test('exec into a container that is not running, or that never started', async () => {
    const id = await env.startContainer('done', 'exit 0');
    await until('the container to exit', async () => ((await env.c.runtime.containerStatus(id)).status?.state === 'CONTAINER_EXITED' ? true : undefined));
    let r = await env.kubectl(['exec', POD, '-c', 'done', '--', 'true']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Error from server \(BadRequest\): container "done" in pod "demo" is not running/);
    r = await env.kubectl(['exec', POD, '-c', 'never', '--', 'true']);
    assert.match(r.stderr, /Error from server \(NotFound\): container not found \("never"\)/);
  });
});
