import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { WEB_IMAGE } from '../../agent/images/builtin.js';
import { demoDeployment, demoService } from './demo.js';
import { type HostPackage, missingPackages } from './packages.js';
import { installKubeconfig } from './report.js';
import { isKiteServer, kubeconfigServer, serverLayout } from './server-process.js';
import { Steps, formatMs } from './steps.js';
import { masqRulesOf } from './teardown.js';

test('masqRulesOf finds the CNI bridge masquerade jumps of the given sandboxes only, unquoted for iptables -D', () => {
  const out = [
    '-P POSTROUTING ACCEPT',
    '-A POSTROUTING -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ',
    '-A POSTROUTING -s 10.42.0.2/32 -m comment --comment "name: \\"kite-pods\\" id: \\"aaa111\\"" -j CNI-0d453677f9fd0d44129f3a04',
    '-A POSTROUTING -s 10.42.0.3/32 -m comment --comment "name: \\"kite-pods\\" id: \\"bbb222\\"" -j CNI-3b7927da513e5511b3256942',
    '-A POSTROUTING -s 10.45.9.2/32 -m comment --comment "name: \\"kite-test-9\\" id: \\"aaa111\\"" -j CNI-79444062b4462337954cc18b',
  ].join('\n');
  const rules = masqRulesOf(out, new Set(['aaa111']));
  assert.deepEqual(rules, [{
    chain: 'CNI-0d453677f9fd0d44129f3a04',
    spec: ['-s', '10.42.0.2/32', '-m', 'comment', '--comment', 'name: "kite-pods" id: "aaa111"', '-j', 'CNI-0d453677f9fd0d44129f3a04'],
  }]);
  assert.deepEqual(masqRulesOf(out, new Set(['aaa111']), 'kite-test-9').map((r) => r.chain), ['CNI-79444062b4462337954cc18b']);
  assert.deepEqual(masqRulesOf(out, new Set(['ccc'])), []);
});

test('missingPackages lists the packages whose files are absent', () => {
  const pkgs: HostPackage[] = [
    { name: 'here', purpose: '', present: () => true },
    { name: 'gone', purpose: '', present: () => false },
  ];
  assert.deepEqual(missingPackages(pkgs).map((p) => p.name), ['gone']);
});

test('the demo: 2 replicas of the local web image, never pulled, no hostPort; a ClusterIP service on its port', () => {
  const d = demoDeployment();
  assert.equal(d.spec?.replicas, 2);
  assert.deepEqual(d.spec?.selector.matchLabels, d.spec?.template.metadata?.labels);
  const c = d.spec?.template.spec?.containers[0];
  assert.equal(c?.image, WEB_IMAGE);
  assert.equal(c?.imagePullPolicy, 'IfNotPresent');
  assert.deepEqual(c?.ports, [{ name: 'http', containerPort: 8080 }]);
  const s = demoService();
  assert.equal(s.spec?.type, 'ClusterIP');
  assert.deepEqual(s.spec?.selector, d.spec?.selector.matchLabels);
  assert.equal(s.spec?.ports?.[0]?.targetPort, 'http');
});

test('serverLayout keeps pid, log, kubeconfig and the agent under the data dir', () => {
  const l = serverLayout('/var/lib/kite/server');
  assert.equal(l.pidFile, '/var/lib/kite/server/kite-server.pid');
  assert.equal(l.logFile, '/var/lib/kite/server/kite-server.log');
  assert.equal(l.kubeconfig, '/var/lib/kite/server/kubeconfig.yaml');
  assert.equal(l.agentDir, '/var/lib/kite/server/agent');
});

test('isKiteServer is false for a process that is not kite server on that data dir', () => {
  assert.equal(isKiteServer(process.pid, '/nowhere'), false);
  assert.equal(isKiteServer(2 ** 22 + 7, '/nowhere'), false);
});

test('kubeconfigServer reads the server URL; installKubeconfig never overwrites ~/.kube/config', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kite-up-unit-'));
  try {
    const kc = join(dir, 'kubeconfig.yaml');
    await writeFile(kc, 'apiVersion: v1\nclusters:\n- cluster:\n    server: https://127.0.0.1:16443\n  name: kite\n');
    assert.equal(await kubeconfigServer(kc), 'https://127.0.0.1:16443');
    assert.equal(await kubeconfigServer(join(dir, 'missing')), undefined);
    assert.match(await installKubeconfig(kc, dir), /copied to/);
    assert.equal(await readFile(join(dir, '.kube', 'config'), 'utf8'), await readFile(kc, 'utf8'));
    await writeFile(kc, 'changed');
    assert.match(await installKubeconfig(kc, dir), /exists: left as it is/);
    assert.notEqual(await readFile(join(dir, '.kube', 'config'), 'utf8'), 'changed');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('Steps prints one line per step with its time, marks failures and rethrows', async () => {
  let text = '';
  const steps = new Steps({ write: (t) => (text += t) });
  assert.equal(await steps.run('first', async (s) => {
    s.detail = 'some detail';
    return 42;
  }), 42);
  await assert.rejects(steps.run('second', async () => {
    throw new Error('boom');
  }), /boom/);
  const lines = text.trimEnd().split('\n');
  assert.match(lines[0] ?? '', /^ {2}✓ first \(some detail\) {2}\d+ ms$/);
  assert.match(lines[1] ?? '', /^ {2}✗ second {2}\d+ ms$/);
  assert.equal(formatMs(999), '999 ms');
  assert.equal(formatMs(1530), '1.5 s');
});
