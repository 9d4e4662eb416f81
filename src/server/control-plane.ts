// Start-up of `kite server` as a chain of readiness steps: PKI -> store -> registries and watch
// caches -> API server listening -> system namespaces -> admin kubeconfig.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { ensurePki } from '../pki/bootstrap.js';
import { writeKubeconfig } from '../pki/kubeconfig.js';
import { apiserverTlsOptions } from '../pki/tls.js';
import { unionAuthenticator } from '../apiserver/authn/authenticator.js';
import { x509Authenticator } from '../apiserver/authn/x509.js';
import { serviceAccountTokenAuthenticator } from '../apiserver/authn/service-account-token.js';
import { serviceAccountTokenConfig } from '../apiserver/authn/service-account-jwt.js';
import { servedObjectGetter } from '../apiserver/authn/bound-objects.js';
import { ensureServiceAccountKeys } from '../pki/service-account-key.js';
import { AuthorizerChain, systemMastersAuthorizer } from '../apiserver/authz/authorizer.js';
import { ApiServer } from '../apiserver/server.js';
import { systemMastersRules } from '../apiserver/authz/rule-resolver.js';
import { unionRuleResolver } from '../apiserver/authz/union-rule-resolver.js';
import { RbacAuthorizer, rbacEscalationCheck, startRbac } from '../apiserver/authz/rbac/index.js';
import { impersonatingAuthenticator } from '../apiserver/authn/impersonation.js';
import { bootstrapTokenAuthenticator } from '../apiserver/authn/bootstrap-token.js';
import { agentDialer } from '../apiserver/streaming/dial.js';
import { registerStreamingSubresources } from '../apiserver/streaming/register.js';
import { ensureNodeJoinToken } from './join-token.js';
import { NodeAuthorizer } from '../apiserver/authz/node/node-authorizer.js';
import { NodeGraph, servedNodeGraphSource } from '../apiserver/authz/node/node-graph.js';
import { nodeRestriction } from '../apiserver/admission/node-restriction.js';
import { certificateAdmission } from '../apiserver/admission/certificates.js';
import { openStore } from '../storage/open-store.js';
import { startCompactor } from '../storage/compactor.js';
import type { Store } from '../storage/store.js';
import { buildServedResources, type ServedResources } from './served-resources.js';
import { ensureSystemNamespaces } from './system-namespaces.js';
import { ensureKubernetesService } from './kubernetes-service.js';
import { startEmbeddedComponents } from './embedded-components.js';
import type { EmbeddedNodeOptions } from './embedded-node.js';

export interface ControlPlaneOptions {
  dataDir: string;
  httpsPort: number;
  bindAddress?: string;
  datastoreEndpoint?: string;
  datastoreTls?: { caFile?: string; certFile?: string; keyFile?: string };
  tlsSans?: string[];
  logLevel?: string;
  /** Run the controller manager in this process (default true). */
  controllers?: boolean;
  /** Run the scheduler in this process (default true). */
  scheduler?: boolean;
  /** Run the node agent and kite's containerd in this process (`kite server` does unless --disable-agent). */
  agent?: EmbeddedNodeOptions;
}

export interface ControlPlane {
  url: string;
  port: number;
  kubeconfigPath: string;
  /** <dataDir>/node-token: what `kite agent --token` takes to join this server. */
  nodeTokenPath: string;
  apiserver: ApiServer;
  store: Store;
  resources: ServedResources;
  log: Logger;
  /** Resolves once the embedded controllers and scheduler have filled their caches: start-up's last burst. */
  settled: Promise<void>;
  stop(): Promise<void>;
}

export async function startControlPlane(opts: ControlPlaneOptions): Promise<ControlPlane> {
  const log = pino({ name: 'kite-server', level: opts.logLevel ?? process.env.KITE_LOG_LEVEL ?? 'info' });
  const started = Date.now();
  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  // containerd boots while the API server starts (it needs nothing from it).
  // The node's modules (CRI over gRPC, containerd) load only when there is a node: an API-only server
  // never pays their memory.
  const nodeRuntime = opts.agent ? (await import('./embedded-node.js')).prestartNodeRuntime(opts.dataDir, opts.agent, log) : undefined;

  const pki = await ensurePki(opts.dataDir, { extraSans: opts.tlsSans });
  if (pki.generated.length > 0) log.info({ generated: pki.generated }, 'certificates written');
  const saKeys = await ensureServiceAccountKeys(opts.dataDir);
  if (saKeys.generated) log.info({ key: saKeys.keyPath }, 'service account signing key written');
  const serviceAccountTokens = serviceAccountTokenConfig(saKeys);

  const store = await openStore({ dataDir: opts.dataDir, endpoint: opts.datastoreEndpoint, ...opts.datastoreTls });
  log.info({ backend: store.backend }, 'datastore open');
  const compactor = startCompactor(store, {});

  // system:masters first (Kubernetes' privileged group), then RBAC; no opinion from either: denied.
  const rbac = new RbacAuthorizer();
  // Nodes (system:node:<name>) are judged by the Node authorizer first: only what their pods use.
  const nodeAuthorizer = new NodeAuthorizer(new NodeGraph(servedNodeGraphSource((group, resource) => resources.get(group, resource))));
  const authorizer = new AuthorizerChain([systemMastersAuthorizer, nodeAuthorizer, rbac]);
  const ruleResolver = unionRuleResolver([systemMastersRules, rbac]);
  const admissionPlugins = [rbacEscalationCheck({ rbac, authorizer }), nodeRestriction(), certificateAdmission(authorizer)];
  const resources = await buildServedResources(store, { authorizer, ruleResolver, serviceAccountTokens, admissionPlugins });
  const tls = apiserverTlsOptions(pki);
  const apiserver = new ApiServer({
    tls,
    authenticator: impersonatingAuthenticator(unionAuthenticator([
      x509Authenticator({ clientCaPem: pki.clientCa.certPem }),
      serviceAccountTokenAuthenticator({
        tokens: serviceAccountTokens,
        objects: servedObjectGetter(resources.get),
        onReject: (reason) => log.debug({ reason }, 'service account token refused'),
      }),
      bootstrapTokenAuthenticator({
        objects: servedObjectGetter(resources.get),
        onReject: (reason) => log.info({ reason }, 'bootstrap token refused'),
      }),
    ]), authorizer),
    // k3s' /cacerts: a joining agent fetches the CA unverified and checks its hash against the token.
    // The client CA too (public like any CA certificate): agents verify the API server's calls to port 10250 with it.
    publicDocuments: {
      '/cacerts': { contentType: 'text/plain; charset=utf-8', body: pki.serverCa.certPem },
      '/v1-kite/client-ca.crt': { contentType: 'text/plain; charset=utf-8', body: pki.clientCa.certPem },
    },
    authorizer,
    resources: resources.all,
    ready: resources.ready,
    log: (msg, fields) => log.error(fields ?? {}, msg),
  });
  const port = await apiserver.listen(opts.httpsPort, opts.bindAddress ?? '0.0.0.0');
  await resources.ready;
  await ensureSystemNamespaces(resources);
  const rbacPolicy = await startRbac(rbac, resources, { log: (msg, fields) => log.warn(fields, msg) });
  if (rbacPolicy.bootstrap.created.length || rbacPolicy.bootstrap.updated.length) log.info(rbacPolicy.bootstrap, 'RBAC bootstrap policy ensured');
  await ensureKubernetesService(resources, port);
  const joinToken = await ensureNodeJoinToken(resources, opts.dataDir, pki.serverCa.certPem);
  // pods/log, exec, attach, port-forward reach any node's agent (embedded or joined) over HTTPS.
  registerStreamingSubresources({
    dialAgent: agentDialer({ caPem: pki.serverCa.certPem, certPem: pki.apiserverClient.certPem, keyPem: pki.apiserverClient.keyPem }),
    getNode: (name) => resources.get('', 'nodes').registry.get('', name),
  });

  const embedded = await startEmbeddedComponents({
    dataDir: opts.dataDir,
    pki,
    tls,
    apiserver,
    log,
    controllers: opts.controllers ?? true,
    scheduler: opts.scheduler ?? true,
    agent: opts.agent,
    nodeRuntime,
    getNode: (name) => resources.get('', 'nodes').registry.get('', name),
  });

  const url = `https://127.0.0.1:${port}`;
  const kubeconfigPath = join(opts.dataDir, 'kubeconfig.yaml');
  await writeKubeconfig(kubeconfigPath, { server: url, caPem: pki.serverCa.certPem, certPem: pki.admin.certPem, keyPem: pki.admin.keyPem });
  log.info({ url, kubeconfig: kubeconfigPath, nodeToken: joinToken.path, ms: Date.now() - started }, 'kite API server ready');
  if (joinToken.created) log.info({ nodeToken: joinToken.path }, `nodes join with: kite agent --server https://<this host>:${port} --token $(cat ${joinToken.path})`);

  return {
    url,
    port,
    kubeconfigPath,
    nodeTokenPath: joinToken.path,
    apiserver,
    store,
    resources,
    log,
    settled: embedded.informers.waitForCacheSync().then(() => undefined),
    stop: async () => {
      await embedded.stop();
      await apiserver.close();
      compactor.stop();
      rbacPolicy.stop();
      resources.stop();
      await store.close();
    },
  };
}
