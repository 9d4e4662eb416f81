// PodTemplates: a named pod template (the same defaults and validation as a workload's template).
import { ErrorList, root } from '../../../../apimachinery/field.js';
import type { KubeObject } from '../../../../apimachinery/meta.js';
import { plainStrategy } from '../../generic/strategies.js';
import { defaultPodSpec } from '../pods/podspec-defaults.js';
import { validatePodTemplateSpec } from '../pods/podspec-validation.js';
import type { PodTemplateSpec } from '../pods/types.js';

export interface PodTemplate extends KubeObject {
  template?: PodTemplateSpec;
}

export const podTemplateStrategy = plainStrategy<PodTemplate>({
  defaults: (pt) => {
    if (pt.template && typeof pt.template === 'object') {
      pt.template.spec ??= {} as PodTemplateSpec['spec'];
      defaultPodSpec(pt.template.spec);
    }
  },
  validate: (pt) => {
    const errs = new ErrorList();
    if (!pt.template) return errs.required(root('template'));
    return errs.add(validatePodTemplateSpec(pt.template, root('template')));
  },
});
