// Label selectors with the grammar and error messages of k8s.io/apimachinery/pkg/labels:
//   a=b  a==b  a!=b  a in (x,y)  a notin (x,y)  a  !a  a>1  a<1, joined by ',' (AND),
// plus metav1.LabelSelector (matchLabels/matchExpressions) conversion, printing and validation.
// This module is the entry point; the parts live in label-requirement.ts, label-parser.ts and
// label-selector.ts.

import { type LabelSelector, labelSelectorAsSelector } from './label-selector.js';
import type { Selector } from './label-requirement.js';

export * from './label-requirement.js';
export * from './label-parser.js';
export * from './label-selector.js';

/**
 * The selector's string form (Kubernetes' Selector.String()), e.g. for a scale subresource's
 * status.selector. Accepts a parsed Selector or a metav1.LabelSelector; throws SelectorError
 * for an invalid LabelSelector. A missing LabelSelector gives "".
 */
export const selectorToString = (selector: Selector | LabelSelector | undefined | null): string => {
  if (selector && typeof (selector as Partial<Selector>).matches === 'function') return (selector as Selector).toString();
  return labelSelectorAsSelector(selector as LabelSelector | undefined | null).toString();
};
