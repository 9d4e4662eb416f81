// core/v1 Container and what hangs off it: ports, env, resources, mounts, probes, lifecycle,
// security context. Field numbers follow k8s.io/api v0.32 core/v1 generated.proto.
import { INTSTR, QUANTITY } from './annotations.js';

export const coreContainerProto = `
syntax = "proto2";
package k8s.io.api.core.v1;

// Also used for EphemeralContainer's embedded EphemeralContainerCommon, which has the same fields.
message Container {
  optional string name = 1 [(keep) = true];
  optional string image = 2;
  repeated string command = 3;
  repeated string args = 4;
  optional string workingDir = 5;
  repeated ContainerPort ports = 6;
  repeated EnvVar env = 7;
  optional ResourceRequirements resources = 8;
  repeated VolumeMount volumeMounts = 9;
  optional Probe livenessProbe = 10;
  optional Probe readinessProbe = 11;
  optional Lifecycle lifecycle = 12;
  optional string terminationMessagePath = 13;
  optional string imagePullPolicy = 14;
  optional SecurityContext securityContext = 15;
  optional bool stdin = 16;
  optional bool stdinOnce = 17;
  optional bool tty = 18;
  repeated EnvFromSource envFrom = 19;
  optional string terminationMessagePolicy = 20;
  repeated VolumeDevice volumeDevices = 21;
  optional Probe startupProbe = 22;
  repeated ContainerResizePolicy resizePolicy = 23;
  optional string restartPolicy = 24 [(ptr) = true];
}

message ContainerPort {
  optional string name = 1;
  optional int32 hostPort = 2;
  optional int32 containerPort = 3 [(keep) = true];
  optional string protocol = 4;
  optional string hostIP = 5;
}

message EnvVar {
  optional string name = 1 [(keep) = true];
  optional string value = 2;
  optional EnvVarSource valueFrom = 3;
}
message EnvVarSource {
  optional ObjectFieldSelector fieldRef = 1;
  optional ResourceFieldSelector resourceFieldRef = 2;
  optional ConfigMapKeySelector configMapKeyRef = 3;
  optional SecretKeySelector secretKeyRef = 4;
}
message ObjectFieldSelector {
  optional string apiVersion = 1;
  optional string fieldPath = 2 [(keep) = true];
}
message ResourceFieldSelector {
  optional string containerName = 1;
  optional string resource = 2 [(keep) = true];
  optional ${QUANTITY} divisor = 3;
}
message ConfigMapKeySelector {
  optional LocalObjectReference localObjectReference = 1 [(inline) = true];
  optional string key = 2 [(keep) = true];
  optional bool optional = 3 [(ptr) = true];
}
message SecretKeySelector {
  optional LocalObjectReference localObjectReference = 1 [(inline) = true];
  optional string key = 2 [(keep) = true];
  optional bool optional = 3 [(ptr) = true];
}
message EnvFromSource {
  optional string prefix = 1;
  optional ConfigMapEnvSource configMapRef = 2;
  optional SecretEnvSource secretRef = 3;
}
message ConfigMapEnvSource {
  optional LocalObjectReference localObjectReference = 1 [(inline) = true];
  optional bool optional = 2 [(ptr) = true];
}
message SecretEnvSource {
  optional LocalObjectReference localObjectReference = 1 [(inline) = true];
  optional bool optional = 2 [(ptr) = true];
}

message ResourceRequirements {
  map<string, ${QUANTITY}> limits = 1;
  map<string, ${QUANTITY}> requests = 2;
  repeated ResourceClaim claims = 3;
}
message ResourceClaim {
  optional string name = 1 [(keep) = true];
  optional string request = 2;
}
message ContainerResizePolicy {
  optional string resourceName = 1 [(keep) = true];
  optional string restartPolicy = 2 [(keep) = true];
}

message VolumeMount {
  optional string name = 1 [(keep) = true];
  optional bool readOnly = 2;
  optional string mountPath = 3 [(keep) = true];
  optional string subPath = 4;
  optional string mountPropagation = 5 [(ptr) = true];
  optional string subPathExpr = 6;
  optional string recursiveReadOnly = 7 [(ptr) = true];
}
message VolumeDevice {
  optional string name = 1 [(keep) = true];
  optional string devicePath = 2 [(keep) = true];
}

message Probe {
  optional ProbeHandler handler = 1 [(inline) = true];
  optional int32 initialDelaySeconds = 2;
  optional int32 timeoutSeconds = 3;
  optional int32 periodSeconds = 4;
  optional int32 successThreshold = 5;
  optional int32 failureThreshold = 6;
  optional int64 terminationGracePeriodSeconds = 7 [(ptr) = true];
}
message ProbeHandler {
  optional ExecAction exec = 1;
  optional HTTPGetAction httpGet = 2;
  optional TCPSocketAction tcpSocket = 3;
  optional GRPCAction grpc = 4;
}
message ExecAction { repeated string command = 1; }
message HTTPGetAction {
  optional string path = 1;
  optional ${INTSTR} port = 2 [(keep) = true];
  optional string host = 3;
  optional string scheme = 4;
  repeated HTTPHeader httpHeaders = 5;
}
message HTTPHeader {
  optional string name = 1 [(keep) = true];
  optional string value = 2 [(keep) = true];
}
message TCPSocketAction {
  optional ${INTSTR} port = 1 [(keep) = true];
  optional string host = 2;
}
message GRPCAction {
  optional int32 port = 1 [(keep) = true];
  optional string service = 2 [(ptr) = true];
}
message Lifecycle {
  optional LifecycleHandler postStart = 1;
  optional LifecycleHandler preStop = 2;
}
message LifecycleHandler {
  optional ExecAction exec = 1;
  optional HTTPGetAction httpGet = 2;
  optional TCPSocketAction tcpSocket = 3;
  optional SleepAction sleep = 4;
}
message SleepAction { optional int64 seconds = 1 [(keep) = true]; }

message SecurityContext {
  optional Capabilities capabilities = 1;
  optional bool privileged = 2 [(ptr) = true];
  optional SELinuxOptions seLinuxOptions = 3;
  optional int64 runAsUser = 4 [(ptr) = true];
  optional bool runAsNonRoot = 5 [(ptr) = true];
  optional bool readOnlyRootFilesystem = 6 [(ptr) = true];
  optional bool allowPrivilegeEscalation = 7 [(ptr) = true];
  optional int64 runAsGroup = 8 [(ptr) = true];
  optional string procMount = 9 [(ptr) = true];
  optional WindowsSecurityContextOptions windowsOptions = 10;
  optional SeccompProfile seccompProfile = 11;
  optional AppArmorProfile appArmorProfile = 12;
}
message Capabilities {
  repeated string add = 1;
  repeated string drop = 2;
}
message SELinuxOptions {
  optional string user = 1;
  optional string role = 2;
  optional string type = 3;
  optional string level = 4;
}
message SeccompProfile {
  optional string type = 1 [(keep) = true];
  optional string localhostProfile = 2 [(ptr) = true];
}
message AppArmorProfile {
  optional string type = 1 [(keep) = true];
  optional string localhostProfile = 2 [(ptr) = true];
}
message WindowsSecurityContextOptions {
  optional string gmsaCredentialSpecName = 1 [(ptr) = true];
  optional string gmsaCredentialSpec = 2 [(ptr) = true];
  optional string runAsUserName = 3 [(ptr) = true];
  optional bool hostProcess = 4 [(ptr) = true];
}
`;
