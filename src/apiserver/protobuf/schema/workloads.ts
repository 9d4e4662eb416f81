// apps/v1 Deployment and ReplicaSet, batch/v1 Job and CronJob. Field numbers follow
// k8s.io/api v0.32 apps/v1 and batch/v1 generated.proto.
import { CORE, INTSTR, META } from './annotations.js';

export const appsProto = `
syntax = "proto2";
package k8s.io.api.apps.v1;

message Deployment {
  optional ${META}.ObjectMeta metadata = 1;
  optional DeploymentSpec spec = 2;
  optional DeploymentStatus status = 3;
}
message DeploymentSpec {
  optional int32 replicas = 1 [(ptr) = true];
  optional ${META}.LabelSelector selector = 2;
  optional ${CORE}.PodTemplateSpec template = 3;
  optional DeploymentStrategy strategy = 4;
  optional int32 minReadySeconds = 5;
  optional int32 revisionHistoryLimit = 6 [(ptr) = true];
  optional bool paused = 7;
  optional int32 progressDeadlineSeconds = 9 [(ptr) = true];
}
message DeploymentStrategy {
  optional string type = 1;
  optional RollingUpdateDeployment rollingUpdate = 2;
}
message RollingUpdateDeployment {
  optional ${INTSTR} maxUnavailable = 1 [(ptr) = true];
  optional ${INTSTR} maxSurge = 2 [(ptr) = true];
}
message DeploymentStatus {
  optional int64 observedGeneration = 1;
  optional int32 replicas = 2;
  optional int32 updatedReplicas = 3;
  optional int32 availableReplicas = 4;
  optional int32 unavailableReplicas = 5;
  repeated DeploymentCondition conditions = 6;
  optional int32 readyReplicas = 7;
  optional int32 collisionCount = 8 [(ptr) = true];
}
message DeploymentCondition {
  optional string type = 1 [(keep) = true];
  optional string status = 2 [(keep) = true];
  optional string reason = 4;
  optional string message = 5;
  optional ${META}.Time lastUpdateTime = 6;
  optional ${META}.Time lastTransitionTime = 7;
}

message ReplicaSet {
  optional ${META}.ObjectMeta metadata = 1;
  optional ReplicaSetSpec spec = 2;
  optional ReplicaSetStatus status = 3;
}
message ReplicaSetSpec {
  optional int32 replicas = 1 [(ptr) = true];
  optional ${META}.LabelSelector selector = 2;
  optional ${CORE}.PodTemplateSpec template = 3;
  optional int32 minReadySeconds = 4;
}
message ReplicaSetStatus {
  optional int32 replicas = 1 [(keep) = true];
  optional int32 fullyLabeledReplicas = 2;
  optional int64 observedGeneration = 3;
  optional int32 readyReplicas = 4;
  optional int32 availableReplicas = 5;
}
`;

export const batchProto = `
syntax = "proto2";
package k8s.io.api.batch.v1;

message Job {
  optional ${META}.ObjectMeta metadata = 1;
  optional JobSpec spec = 2;
  optional JobStatus status = 3;
}
message JobSpec {
  optional int32 parallelism = 1 [(ptr) = true];
  optional int32 completions = 2 [(ptr) = true];
  optional int64 activeDeadlineSeconds = 3 [(ptr) = true];
  optional ${META}.LabelSelector selector = 4;
  optional bool manualSelector = 5 [(ptr) = true];
  optional ${CORE}.PodTemplateSpec template = 6;
  optional int32 backoffLimit = 7 [(ptr) = true];
  optional int32 ttlSecondsAfterFinished = 8 [(ptr) = true];
  optional string completionMode = 9 [(ptr) = true];
  optional bool suspend = 10 [(ptr) = true];
  optional PodFailurePolicy podFailurePolicy = 11;
  optional int32 backoffLimitPerIndex = 12 [(ptr) = true];
  optional int32 maxFailedIndexes = 13 [(ptr) = true];
  optional string podReplacementPolicy = 14 [(ptr) = true];
  optional string managedBy = 15 [(ptr) = true];
  optional SuccessPolicy successPolicy = 16;
}
message PodFailurePolicy { repeated PodFailurePolicyRule rules = 1; }
message PodFailurePolicyRule {
  optional string action = 1 [(keep) = true];
  optional PodFailurePolicyOnExitCodesRequirement onExitCodes = 2;
  repeated PodFailurePolicyOnPodConditionsPattern onPodConditions = 3;
}
message PodFailurePolicyOnExitCodesRequirement {
  optional string containerName = 1 [(ptr) = true];
  optional string operator = 2 [(keep) = true];
  repeated int32 values = 3;
}
message PodFailurePolicyOnPodConditionsPattern {
  optional string type = 1 [(keep) = true];
  optional string status = 2 [(keep) = true];
}
message SuccessPolicy { repeated SuccessPolicyRule rules = 1; }
message SuccessPolicyRule {
  optional string succeededIndexes = 1 [(ptr) = true];
  optional int32 succeededCount = 2 [(ptr) = true];
}
message JobStatus {
  repeated JobCondition conditions = 1;
  optional ${META}.Time startTime = 2 [(ptr) = true];
  optional ${META}.Time completionTime = 3 [(ptr) = true];
  optional int32 active = 4;
  optional int32 succeeded = 5;
  optional int32 failed = 6;
  optional string completedIndexes = 7;
  optional int32 ready = 9 [(ptr) = true];
  optional string failedIndexes = 10 [(ptr) = true];
  optional int32 terminating = 11 [(ptr) = true];
}
message JobCondition {
  optional string type = 1 [(keep) = true];
  optional string status = 2 [(keep) = true];
  optional ${META}.Time lastProbeTime = 3;
  optional ${META}.Time lastTransitionTime = 4;
  optional string reason = 5;
  optional string message = 6;
}

message CronJob {
  optional ${META}.ObjectMeta metadata = 1;
  optional CronJobSpec spec = 2;
  optional CronJobStatus status = 3;
}
message CronJobSpec {
  optional string schedule = 1 [(keep) = true];
  optional int64 startingDeadlineSeconds = 2 [(ptr) = true];
  optional string concurrencyPolicy = 3;
  optional bool suspend = 4 [(ptr) = true];
  optional JobTemplateSpec jobTemplate = 5;
  optional int32 successfulJobsHistoryLimit = 6 [(ptr) = true];
  optional int32 failedJobsHistoryLimit = 7 [(ptr) = true];
  optional string timeZone = 8 [(ptr) = true];
}
message JobTemplateSpec {
  optional ${META}.ObjectMeta metadata = 1;
  optional JobSpec spec = 2;
}
message CronJobStatus {
  repeated ${CORE}.ObjectReference active = 1;
  optional ${META}.Time lastScheduleTime = 4 [(ptr) = true];
  optional ${META}.Time lastSuccessfulTime = 5 [(ptr) = true];
}
`;
