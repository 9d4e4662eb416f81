// Field options used in kite's hand-written Kubernetes .proto subset. The Go structs behind the
// upstream messages carry facts the .proto text does not (pointer or value, `omitempty`, `,inline`,
// a JSON name unlike the proto name), and the JSON conversion needs them. protobufjs keeps custom
// options as plain entries in `field.options`, so they are written into the .proto text:
//
//   [(ptr) = true]     the Go field is a pointer: Go sends it only when set, so a zero on the wire
//                      was meant (spec.replicas: 0) and is kept.
//   [(keep) = true]    the Go field has no `omitempty`: JSON shows its zero value ("name": "").
//   [(inline) = true]  the Go struct is embedded with `json:",inline"`: its fields join the parent's.
//   [(json) = "uid"]   the JSON name differs from the proto field name.
//
// Without (ptr) or (keep), a zero scalar is dropped, as `omitempty` would.

export const OPT_POINTER = '(ptr)';
export const OPT_KEEP_ZERO = '(keep)';
export const OPT_INLINE = '(inline)';
export const OPT_JSON_NAME = '(json)';

/** Fully qualified package names, used to keep cross-package references short in the .proto text. */
export const META = '.k8s.io.apimachinery.pkg.apis.meta.v1';
export const INTSTR = '.k8s.io.apimachinery.pkg.util.intstr.IntOrString';
export const QUANTITY = '.k8s.io.apimachinery.pkg.api.resource.Quantity';
export const CORE = '.k8s.io.api.core.v1';
