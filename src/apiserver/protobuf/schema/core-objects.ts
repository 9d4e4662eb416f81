// core/v1 kinds other than Pod: Namespace, Secret, ConfigMap, Service, ServiceAccount,
// ResourceQuota, and ObjectReference. Field numbers follow k8s.io/api v0.32 core/v1 generated.proto.
import { INTSTR, META, QUANTITY } from './annotations.js';

export const coreObjectsProto = `
syntax = "proto2";
package k8s.io.api.core.v1;

message Namespace {
  optional ${META}.ObjectMeta metadata = 1;
  optional NamespaceSpec spec = 2;
  optional NamespaceStatus status = 3;
}
message NamespaceSpec { repeated string finalizers = 1; }
message NamespaceStatus { optional string phase = 1; }

message Secret {
  optional ${META}.ObjectMeta metadata = 1;
  map<string, bytes> data = 2;
  optional string type = 3;
  map<string, string> stringData = 4;
  optional bool immutable = 5 [(ptr) = true];
}

message ConfigMap {
  optional ${META}.ObjectMeta metadata = 1;
  map<string, string> data = 2;
  map<string, bytes> binaryData = 3;
  optional bool immutable = 4 [(ptr) = true];
}

message ServiceAccount {
  optional ${META}.ObjectMeta metadata = 1;
  repeated ObjectReference secrets = 2;
  repeated LocalObjectReference imagePullSecrets = 3;
  optional bool automountServiceAccountToken = 4 [(ptr) = true];
}
message ObjectReference {
  optional string kind = 1;
  optional string namespace = 2;
  optional string name = 3;
  optional string uid = 4;
  optional string apiVersion = 5;
  optional string resourceVersion = 6;
  optional string fieldPath = 7;
}

message Service {
  optional ${META}.ObjectMeta metadata = 1;
  optional ServiceSpec spec = 2;
  optional ServiceStatus status = 3;
}
message ServiceSpec {
  repeated ServicePort ports = 1;
  map<string, string> selector = 2;
  optional string clusterIP = 3;
  optional string type = 4;
  repeated string externalIPs = 5;
  optional string sessionAffinity = 7;
  optional string loadBalancerIP = 8;
  repeated string loadBalancerSourceRanges = 9;
  optional string externalName = 10;
  optional string externalTrafficPolicy = 11;
  optional int32 healthCheckNodePort = 12;
  optional bool publishNotReadyAddresses = 13;
  optional SessionAffinityConfig sessionAffinityConfig = 14;
  optional string ipFamilyPolicy = 17 [(ptr) = true];
  repeated string clusterIPs = 18;
  repeated string ipFamilies = 19;
  optional bool allocateLoadBalancerNodePorts = 20 [(ptr) = true];
  optional string loadBalancerClass = 21 [(ptr) = true];
  optional string internalTrafficPolicy = 22 [(ptr) = true];
  optional string trafficDistribution = 23 [(ptr) = true];
}
message ServicePort {
  optional string name = 1;
  optional string protocol = 2;
  optional int32 port = 3 [(keep) = true];
  optional ${INTSTR} targetPort = 4;
  optional int32 nodePort = 5;
  optional string appProtocol = 6 [(ptr) = true];
}
message SessionAffinityConfig { optional ClientIPConfig clientIP = 1; }
message ClientIPConfig { optional int32 timeoutSeconds = 1 [(ptr) = true]; }
message ServiceStatus {
  optional LoadBalancerStatus loadBalancer = 1;
  repeated ${META}.Condition conditions = 2;
}
message LoadBalancerStatus { repeated LoadBalancerIngress ingress = 1; }
message LoadBalancerIngress {
  optional string ip = 1;
  optional string hostname = 2;
  optional string ipMode = 3 [(ptr) = true];
  repeated PortStatus ports = 4;
}
message PortStatus {
  optional int32 port = 1 [(keep) = true];
  optional string protocol = 2 [(keep) = true];
  optional string error = 3 [(ptr) = true];
}

message ResourceQuota {
  optional ${META}.ObjectMeta metadata = 1;
  optional ResourceQuotaSpec spec = 2;
  optional ResourceQuotaStatus status = 3;
}
message ResourceQuotaSpec {
  map<string, ${QUANTITY}> hard = 1;
  repeated string scopes = 2;
  optional ScopeSelector scopeSelector = 3;
}
message ScopeSelector { repeated ScopedResourceSelectorRequirement matchExpressions = 1; }
message ScopedResourceSelectorRequirement {
  optional string scopeName = 1 [(keep) = true];
  optional string operator = 2 [(keep) = true];
  repeated string values = 3;
}
message ResourceQuotaStatus {
  map<string, ${QUANTITY}> hard = 1;
  map<string, ${QUANTITY}> used = 2;
}
`;
