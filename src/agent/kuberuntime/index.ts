// Pod -> CRI configs, as the kubelet's kuberuntime builds them. The agent's pod workers call:
//
//   const sandbox = buildSandboxConfig(pod, { dataDir, attempt, cgroupRoot, dns, recordEvent });
//   const id = await runtime.runPodSandbox(sandbox);
//   const image = (await runtime.imageStatus({ image: imageRef })).image;
//   const { config, terminationMessageHostPath } = await buildContainerConfig(pod, container, {
//     dataDir, restartCount, imageRef, imageUser: imageUserOf(image), volumes: await volumeManager.setUpPod(pod),
//     context: clientResolveContext(client), podIPs, hostIPs, nodeAllocatable, recordEvent,
//   });                                   // throws CreateContainerConfigError (reason + kubelet message)
//   await runtime.createContainer(id, config, sandbox);
export { buildSandboxConfig, podPortMappings, type SandboxConfigOptions } from './sandbox-config.js';
export { buildContainerConfig, type BuiltContainerConfig, type ContainerConfigOptions } from './container-config.js';
export { CREATE_CONTAINER_CONFIG_ERROR, CreateContainerConfigError, isCreateContainerConfigError, type PodEvent, type RecordPodEvent } from './errors.js';
export { clientResolveContext, type ResolveContext, type ServiceCache, type VolumeContext, withServiceCache } from './resolve-context.js';
export { type ImageUser, imageUserOf, formatPod, namespacesForPod, verifyRunAsNonRoot } from './security-context.js';
export { DEFAULT_CLUSTER_DNS, DEFAULT_CLUSTER_DOMAIN, type DnsOptions, parseResolvConf, podDNSConfig } from './dns.js';
export { DEFAULT_CGROUP_ROOT, podCgroupParent, podQOS, type QOSClass } from './qos.js';
export { containerHash, type ContainerIdentity, parseContainerLabels } from './labels.js';
export { PodHostnameError, podHostnameAndDomain } from './hostname.js';
export * from './paths.js';
