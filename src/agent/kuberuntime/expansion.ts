// Kubernetes' $(VAR) expansion (third_party/forked/golang/expansion) for command, args, env values
// and subPathExpr: $(NAME) is replaced when NAME is known and left as written otherwise, $$ is a
// literal $, and any other $ stays as it is. Hand-written: no library implements this exact syntax.

/** Looks a name up; undefined leaves the reference as written. */
export type Mapping = (name: string) => string | undefined;

/** A mapping over maps searched in order (MappingFuncFor). */
export const mappingFor = (...contexts: ReadonlyMap<string, string>[]): Mapping => (name) => {
  for (const ctx of contexts) {
    const v = ctx.get(name);
    if (v !== undefined) return v;
  }
  return undefined;
};

export function expand(input: string, mapping: Mapping): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const next = input[cursor + 1];
    let advance = 1;
    if (next === '$') {
      out += '$'; // escaped operator
    } else if (next === '(') {
      const close = input.indexOf(')', cursor + 2);
      if (close === -1) {
        out += '$('; // incomplete reference: kept as written
      } else {
        const name = input.slice(cursor + 2, close);
        out += mapping(name) ?? `$(${name})`;
        advance = close - cursor;
      }
    } else {
      out += `$${next}`;
    }
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

/** ExpandContainerCommandAndArgs. */
export function expandCommandAndArgs(command: string[] | undefined, args: string[] | undefined, env: ReadonlyMap<string, string>): { command?: string[]; args?: string[] } {
  const mapping = mappingFor(env);
  return {
    ...(command ? { command: command.map((c) => expand(c, mapping)) } : {}),
    ...(args ? { args: args.map((a) => expand(a, mapping)) } : {}),
  };
}

/** ExpandContainerVolumeMounts: every reference must resolve to a non-empty value. */
export function expandSubPathExpr(expr: string, env: ReadonlyMap<string, string>): string {
  const missing = new Set<string>();
  const out = expand(expr, (name) => {
    const v = env.get(name);
    if (!v) missing.add(name);
    return v ?? '';
  });
  if (missing.size) throw new Error(`missing value for ${[...missing].sort().join(', ')}`);
  return out;
}
