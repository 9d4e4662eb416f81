// core/v1 pod volumes (the common, non-cloud sources) and PersistentVolumeClaim spec.
// Field numbers follow k8s.io/api v0.32 core/v1 generated.proto. Volume sources left out here
// (gcePersistentDisk, iscsi, rbd, cephfs, ...) are skipped when decoding.
import { META, QUANTITY } from './annotations.js';

export const coreVolumesProto = `
syntax = "proto2";
package k8s.io.api.core.v1;

message Volume {
  optional string name = 1 [(keep) = true];
  optional VolumeSource volumeSource = 2 [(inline) = true];
}
message VolumeSource {
  optional HostPathVolumeSource hostPath = 1;
  optional EmptyDirVolumeSource emptyDir = 2;
  optional SecretVolumeSource secret = 6;
  optional NFSVolumeSource nfs = 7;
  optional PersistentVolumeClaimVolumeSource persistentVolumeClaim = 10;
  optional DownwardAPIVolumeSource downwardAPI = 16;
  optional ConfigMapVolumeSource configMap = 19;
  optional ProjectedVolumeSource projected = 26;
  optional CSIVolumeSource csi = 28;
  optional EphemeralVolumeSource ephemeral = 29;
  optional ImageVolumeSource image = 30;
}

message LocalObjectReference { optional string name = 1; }
message KeyToPath {
  optional string key = 1 [(keep) = true];
  optional string path = 2 [(keep) = true];
  optional int32 mode = 3 [(ptr) = true];
}

message HostPathVolumeSource {
  optional string path = 1 [(keep) = true];
  optional string type = 2 [(ptr) = true];
}
message EmptyDirVolumeSource {
  optional string medium = 1;
  optional ${QUANTITY} sizeLimit = 2 [(ptr) = true];
}
message SecretVolumeSource {
  optional string secretName = 1;
  repeated KeyToPath items = 2;
  optional int32 defaultMode = 3 [(ptr) = true];
  optional bool optional = 4 [(ptr) = true];
}
message ConfigMapVolumeSource {
  optional LocalObjectReference localObjectReference = 1 [(inline) = true];
  repeated KeyToPath items = 2;
  optional int32 defaultMode = 3 [(ptr) = true];
  optional bool optional = 4 [(ptr) = true];
}
message NFSVolumeSource {
  optional string server = 1 [(keep) = true];
  optional string path = 2 [(keep) = true];
  optional bool readOnly = 3;
}
message PersistentVolumeClaimVolumeSource {
  optional string claimName = 1 [(keep) = true];
  optional bool readOnly = 2;
}
message DownwardAPIVolumeSource {
  repeated DownwardAPIVolumeFile items = 1;
  optional int32 defaultMode = 2 [(ptr) = true];
}
message DownwardAPIVolumeFile {
  optional string path = 1 [(keep) = true];
  optional ObjectFieldSelector fieldRef = 2;
  optional ResourceFieldSelector resourceFieldRef = 3;
  optional int32 mode = 4 [(ptr) = true];
}
message ProjectedVolumeSource {
  repeated VolumeProjection sources = 1;
  optional int32 defaultMode = 2 [(ptr) = true];
}
message VolumeProjection {
  optional SecretProjection secret = 1;
  optional DownwardAPIProjection downwardAPI = 2;
  optional ConfigMapProjection configMap = 3;
  optional ServiceAccountTokenProjection serviceAccountToken = 4;
  optional ClusterTrustBundleProjection clusterTrustBundle = 5;
}
message SecretProjection {
  optional LocalObjectReference localObjectReference = 1 [(inline) = true];
  repeated KeyToPath items = 2;
  optional bool optional = 4 [(ptr) = true];
}
message ConfigMapProjection {
  optional LocalObjectReference localObjectReference = 1 [(inline) = true];
  repeated KeyToPath items = 2;
  optional bool optional = 4 [(ptr) = true];
}
message DownwardAPIProjection { repeated DownwardAPIVolumeFile items = 1; }
message ServiceAccountTokenProjection {
  optional string audience = 1;
  optional int64 expirationSeconds = 2 [(ptr) = true];
  optional string path = 3 [(keep) = true];
}
message ClusterTrustBundleProjection {
  optional string name = 1 [(ptr) = true];
  optional string signerName = 2 [(ptr) = true];
  optional ${META}.LabelSelector labelSelector = 3;
  optional string path = 4 [(keep) = true];
  optional bool optional = 5 [(ptr) = true];
}
message CSIVolumeSource {
  optional string driver = 1 [(keep) = true];
  optional bool readOnly = 2 [(ptr) = true];
  optional string fsType = 3 [(ptr) = true];
  map<string, string> volumeAttributes = 4;
  optional LocalObjectReference nodePublishSecretRef = 5;
}
message EphemeralVolumeSource { optional PersistentVolumeClaimTemplate volumeClaimTemplate = 1; }
message ImageVolumeSource {
  optional string reference = 1;
  optional string pullPolicy = 2;
}

message PersistentVolumeClaim {
  optional ${META}.ObjectMeta metadata = 1;
  optional PersistentVolumeClaimSpec spec = 2;
  optional PersistentVolumeClaimStatus status = 3;
}
message PersistentVolumeClaimStatus {
  optional string phase = 1;
  repeated string accessModes = 2;
  map<string, ${QUANTITY}> capacity = 3;
}
message PersistentVolumeClaimTemplate {
  optional ${META}.ObjectMeta metadata = 1;
  optional PersistentVolumeClaimSpec spec = 2;
}
message PersistentVolumeClaimSpec {
  repeated string accessModes = 1;
  optional VolumeResourceRequirements resources = 2;
  optional string volumeName = 3;
  optional ${META}.LabelSelector selector = 4;
  optional string storageClassName = 5 [(ptr) = true];
  optional string volumeMode = 6 [(ptr) = true];
  optional TypedLocalObjectReference dataSource = 7;
  optional TypedObjectReference dataSourceRef = 8;
  optional string volumeAttributesClassName = 9 [(ptr) = true];
}
message VolumeResourceRequirements {
  map<string, ${QUANTITY}> limits = 1;
  map<string, ${QUANTITY}> requests = 2;
}
message TypedLocalObjectReference {
  optional string apiGroup = 1 [(ptr) = true];
  optional string kind = 2 [(keep) = true];
  optional string name = 3 [(keep) = true];
}
message TypedObjectReference {
  optional string apiGroup = 1 [(ptr) = true];
  optional string kind = 2 [(keep) = true];
  optional string name = 3 [(keep) = true];
  optional string namespace = 4 [(ptr) = true];
}
`;
