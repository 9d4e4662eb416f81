// Validation entry point: field paths and error lists (field.ts), string-format and name rules
// (names.ts), and ObjectMeta rules (objectmeta.ts), re-exported together.

export * from './field.js';
export * from './names.js';
export * from './objectmeta.js';
export { validateLabelName, validateLabels, validateLabelSelector, validateLabelSelectorRequirement } from './label-selector.js';
