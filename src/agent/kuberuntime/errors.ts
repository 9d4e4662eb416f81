// Failures while building a container's config. The pod worker shows them as the container's
// waiting state (reason CreateContainerConfigError, message as given) and records a Warning event
// "Failed" with "Error: <message>", as the kubelet does.

export const CREATE_CONTAINER_CONFIG_ERROR = 'CreateContainerConfigError';

export class CreateContainerConfigError extends Error {
  override readonly name = 'CreateContainerConfigError';
  readonly reason = CREATE_CONTAINER_CONFIG_ERROR;
}

export const isCreateContainerConfigError = (err: unknown): err is CreateContainerConfigError => err instanceof CreateContainerConfigError;

/** A pod event the builders want recorded (the agent passes them to its EventRecorder). */
export interface PodEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export type RecordPodEvent = (event: PodEvent) => void;
