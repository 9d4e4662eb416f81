// ServiceAccounts: an identity for pods; secrets and imagePullSecrets are references by name.
import { ErrorList, root } from '../../../../apimachinery/field.js';
import type { KubeObject } from '../../../../apimachinery/meta.js';
import { plainStrategy } from '../../generic/strategies.js';
import type { LocalObjectReference, ObjectReference } from 'kubernetes-types/core/v1.js';

export interface ServiceAccount extends KubeObject {
  secrets?: ObjectReference[];
  imagePullSecrets?: LocalObjectReference[];
  automountServiceAccountToken?: boolean;
}

export const serviceAccountStrategy = plainStrategy<ServiceAccount>({
  validate: (sa) => {
    const errs = new ErrorList();
    (sa.imagePullSecrets ?? []).forEach((ref, i) => {
      if (!ref?.name) errs.required(root('imagePullSecrets').index(i).child('name'));
    });
    return errs;
  },
});
