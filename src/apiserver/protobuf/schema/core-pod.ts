// core/v1 Pod, PodTemplateSpec, PodSpec and its scheduling parts, and the commonly read PodStatus
// fields (container statuses are left out: clients do not write them through kubectl).
// Field numbers follow k8s.io/api v0.32 core/v1 generated.proto.
import { META, QUANTITY } from './annotations.js';

export const corePodProto = `
syntax = "proto2";
package k8s.io.api.core.v1;

message Pod {
  optional ${META}.ObjectMeta metadata = 1;
  optional PodSpec spec = 2;
  optional PodStatus status = 3;
}
message PodTemplateSpec {
  optional ${META}.ObjectMeta metadata = 1;
  optional PodSpec spec = 2;
}

message PodSpec {
  repeated Volume volumes = 1;
  repeated Container containers = 2;
  optional string restartPolicy = 3;
  optional int64 terminationGracePeriodSeconds = 4 [(ptr) = true];
  optional int64 activeDeadlineSeconds = 5 [(ptr) = true];
  optional string dnsPolicy = 6;
  map<string, string> nodeSelector = 7;
  optional string serviceAccountName = 8;
  optional string serviceAccount = 9;
  optional string nodeName = 10;
  optional bool hostNetwork = 11;
  optional bool hostPID = 12;
  optional bool hostIPC = 13;
  optional PodSecurityContext securityContext = 14;
  repeated LocalObjectReference imagePullSecrets = 15;
  optional string hostname = 16;
  optional string subdomain = 17;
  optional Affinity affinity = 18;
  optional string schedulerName = 19;
  repeated Container initContainers = 20;
  optional bool automountServiceAccountToken = 21 [(ptr) = true];
  repeated Toleration tolerations = 22;
  repeated HostAlias hostAliases = 23;
  optional string priorityClassName = 24;
  optional int32 priority = 25 [(ptr) = true];
  optional PodDNSConfig dnsConfig = 26;
  optional bool shareProcessNamespace = 27 [(ptr) = true];
  repeated PodReadinessGate readinessGates = 28;
  optional string runtimeClassName = 29 [(ptr) = true];
  optional bool enableServiceLinks = 30 [(ptr) = true];
  optional string preemptionPolicy = 31 [(ptr) = true];
  map<string, ${QUANTITY}> overhead = 32;
  repeated TopologySpreadConstraint topologySpreadConstraints = 33;
  repeated EphemeralContainer ephemeralContainers = 34;
  optional bool setHostnameAsFQDN = 35 [(ptr) = true];
  optional PodOS os = 36;
  optional bool hostUsers = 37 [(ptr) = true];
  repeated PodSchedulingGate schedulingGates = 38;
  repeated PodResourceClaim resourceClaims = 39;
  optional ResourceRequirements resources = 40;
}

message EphemeralContainer {
  optional Container ephemeralContainerCommon = 1 [(inline) = true];
  optional string targetContainerName = 2;
}

message PodSecurityContext {
  optional SELinuxOptions seLinuxOptions = 1;
  optional int64 runAsUser = 2 [(ptr) = true];
  optional bool runAsNonRoot = 3 [(ptr) = true];
  repeated int64 supplementalGroups = 4;
  optional int64 fsGroup = 5 [(ptr) = true];
  optional int64 runAsGroup = 6 [(ptr) = true];
  repeated Sysctl sysctls = 7;
  optional WindowsSecurityContextOptions windowsOptions = 8;
  optional string fsGroupChangePolicy = 9 [(ptr) = true];
  optional SeccompProfile seccompProfile = 10;
  optional AppArmorProfile appArmorProfile = 11;
  optional string supplementalGroupsPolicy = 12 [(ptr) = true];
  optional string seLinuxChangePolicy = 13 [(ptr) = true];
}
message Sysctl {
  optional string name = 1 [(keep) = true];
  optional string value = 2 [(keep) = true];
}

message Toleration {
  optional string key = 1;
  optional string operator = 2;
  optional string value = 3;
  optional string effect = 4;
  optional int64 tolerationSeconds = 5 [(ptr) = true];
}

message Affinity {
  optional NodeAffinity nodeAffinity = 1;
  optional PodAffinity podAffinity = 2;
  optional PodAntiAffinity podAntiAffinity = 3;
}
message NodeAffinity {
  optional NodeSelector requiredDuringSchedulingIgnoredDuringExecution = 1;
  repeated PreferredSchedulingTerm preferredDuringSchedulingIgnoredDuringExecution = 2;
}
message NodeSelector { repeated NodeSelectorTerm nodeSelectorTerms = 1; }
message NodeSelectorTerm {
  repeated NodeSelectorRequirement matchExpressions = 1;
  repeated NodeSelectorRequirement matchFields = 2;
}
message NodeSelectorRequirement {
  optional string key = 1 [(keep) = true];
  optional string operator = 2 [(keep) = true];
  repeated string values = 3;
}
message PreferredSchedulingTerm {
  optional int32 weight = 1 [(keep) = true];
  optional NodeSelectorTerm preference = 2;
}
message PodAffinity {
  repeated PodAffinityTerm requiredDuringSchedulingIgnoredDuringExecution = 1;
  repeated WeightedPodAffinityTerm preferredDuringSchedulingIgnoredDuringExecution = 2;
}
message PodAntiAffinity {
  repeated PodAffinityTerm requiredDuringSchedulingIgnoredDuringExecution = 1;
  repeated WeightedPodAffinityTerm preferredDuringSchedulingIgnoredDuringExecution = 2;
}
message PodAffinityTerm {
  optional ${META}.LabelSelector labelSelector = 1;
  repeated string namespaces = 2;
  optional string topologyKey = 3 [(keep) = true];
  optional ${META}.LabelSelector namespaceSelector = 4;
  repeated string matchLabelKeys = 5;
  repeated string mismatchLabelKeys = 6;
}
message WeightedPodAffinityTerm {
  optional int32 weight = 1 [(keep) = true];
  optional PodAffinityTerm podAffinityTerm = 2;
}
message TopologySpreadConstraint {
  optional int32 maxSkew = 1 [(keep) = true];
  optional string topologyKey = 2 [(keep) = true];
  optional string whenUnsatisfiable = 3 [(keep) = true];
  optional ${META}.LabelSelector labelSelector = 4;
  optional int32 minDomains = 5 [(ptr) = true];
  optional string nodeAffinityPolicy = 6 [(ptr) = true];
  optional string nodeTaintsPolicy = 7 [(ptr) = true];
  repeated string matchLabelKeys = 8;
}

message HostAlias {
  optional string ip = 1 [(keep) = true];
  repeated string hostnames = 2;
}
message PodDNSConfig {
  repeated string nameservers = 1;
  repeated string searches = 2;
  repeated PodDNSConfigOption options = 3;
}
message PodDNSConfigOption {
  optional string name = 1;
  optional string value = 2 [(ptr) = true];
}
message PodReadinessGate { optional string conditionType = 1 [(keep) = true]; }
message PodOS { optional string name = 1 [(keep) = true]; }
message PodSchedulingGate { optional string name = 1 [(keep) = true]; }
message PodResourceClaim {
  optional string name = 1 [(keep) = true];
  optional string resourceClaimName = 3 [(ptr) = true];
  optional string resourceClaimTemplateName = 4 [(ptr) = true];
}

message PodStatus {
  optional string phase = 1;
  repeated PodCondition conditions = 2;
  optional string message = 3;
  optional string reason = 4;
  optional string hostIP = 5;
  optional string podIP = 6;
  optional ${META}.Time startTime = 7 [(ptr) = true];
  optional string qosClass = 9;
  optional string nominatedNodeName = 11;
  repeated PodIP podIPs = 12;
  repeated HostIP hostIPs = 16;
}
message PodCondition {
  optional string type = 1 [(keep) = true];
  optional string status = 2 [(keep) = true];
  optional ${META}.Time lastProbeTime = 3;
  optional ${META}.Time lastTransitionTime = 4;
  optional string reason = 5;
  optional string message = 6;
}
message PodIP { optional string ip = 1 [(keep) = true]; }
message HostIP { optional string ip = 1 [(keep) = true]; }
`;
