// Generates src/generated/schemas.json: OpenAPI v3 component schemas for every type reachable from the
// kinds kite serves, derived from the `kubernetes-types` declarations (with their JSDoc descriptions)
// through the TypeScript compiler API. Upstream's OpenAPI files are deliberately not used (KUBECTL-WIRE §6.5).
//
//   npm run gen:schemas                      regenerate the file
//   node dist/scripts/gen-schemas.js --check exit 1 when the committed file is stale
//
// What the declarations cannot tell (and so the schemas do not say): int32 vs int64 vs double (every
// TS `number` becomes `integer`), base64 `byte` strings, list/map types and patch merge keys.
import { readFileSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API } from 'typescript/unstable/sync';
import { SyntaxKind, getTextOfJSDocComment } from 'typescript/unstable/ast';
import type { InterfaceDeclaration, Node, SourceFile, TypeAliasDeclaration, TypeNode } from 'typescript/unstable/ast';
import {
  isArrayTypeNode, isIdentifier, isImportDeclaration, isImportSpecifier, isIndexSignatureDeclaration,
  isInterfaceDeclaration, isJSDoc, isLiteralTypeNode, isNamedImports, isPropertySignatureDeclaration, isStringLiteral,
  isTypeAliasDeclaration, isTypeLiteralNode, isTypeReferenceNode, isUnionTypeNode,
} from 'typescript/unstable/ast/is';
import type { GroupVersionKind, OpenAPISchema, SchemaFile } from '../src/apiserver/openapi/schemas.js';

/** The kinds kite serves, by kubernetes-types module. Their `<Kind>List` types are included too. */
export const SERVED_KINDS: ReadonlyArray<readonly [module: string, kinds: readonly string[]]> = [
  ['core/v1', ['Namespace', 'Pod', 'Binding', 'Service', 'Endpoints', 'ConfigMap', 'Secret', 'ServiceAccount', 'Node',
    'Event', 'PersistentVolume', 'PersistentVolumeClaim', 'ResourceQuota', 'LimitRange', 'PodTemplate']],
  ['apps/v1', ['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet']],
  ['autoscaling/v1', ['Scale']],
  ['autoscaling/v2', ['HorizontalPodAutoscaler']],
  ['batch/v1', ['Job', 'CronJob']],
  ['coordination/v1', ['Lease']],
  ['discovery/v1', ['EndpointSlice']],
  ['networking/v1', ['Ingress', 'IngressClass', 'NetworkPolicy']],
  ['rbac/v1', ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']],
  ['storage/v1', ['StorageClass']],
  ['authorization/v1', ['SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview']],
  ['certificates/v1', ['CertificateSigningRequest']],
  ['policy/v1', ['PodDisruptionBudget', 'Eviction']],
];
/** Modules whose every declaration is emitted, served kind or not. */
const WHOLE_MODULES = ['meta/v1'];

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const REF = '#/components/schemas/';

/** Upstream's Go package names for the kubernetes-types module paths that are not `io.k8s.api.<group>.<version>`. */
const PACKAGE_OF: Record<string, string> = {
  'meta/v1': META,
  'api/resource': 'io.k8s.apimachinery.pkg.api.resource',
  runtime: 'io.k8s.apimachinery.pkg.runtime',
  version: 'io.k8s.apimachinery.pkg.version',
  'apiextensions/v1': 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1',
};

const preserveUnknown = (description?: string): OpenAPISchema =>
  ({ ...(description ? { description } : {}), type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
const dateTime = (description?: string): OpenAPISchema =>
  ({ ...(description ? { description } : {}), type: 'string', format: 'date-time' });

/** Types whose wire form differs from their declaration (custom JSON marshalling in Go). */
const SPECIAL: Record<string, (description?: string) => OpenAPISchema> = {
  // No `type`, like upstream's v3 documents: kubectl explain then names the field's type <Quantity>.
  'io.k8s.apimachinery.pkg.api.resource.Quantity': (description) =>
    ({ ...(description ? { description } : {}), oneOf: [{ type: 'string' }, { type: 'number' }], 'x-kubernetes-int-or-string': true }),
  [`${META}.Time`]: dateTime,
  [`${META}.MicroTime`]: dateTime,
  'io.k8s.apimachinery.pkg.runtime.RawExtension': preserveUnknown,
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON': preserveUnknown,
};

/** Written here because kubernetes-types inlines IntOrString as `number | string` and keeps no declaration. */
const INT_OR_STRING_SCHEMA: OpenAPISchema = {
  description: 'IntOrString holds either an int32 or a string; JSON and YAML carry whichever of the two was set, '
    + 'so a field of this type accepts a number (e.g. a port) or a name (e.g. a named port or a percentage).',
  oneOf: [{ type: 'integer' }, { type: 'string' }], format: 'int-or-string', 'x-kubernetes-int-or-string': true,
};

interface Module {
  declarations: Map<string, InterfaceDeclaration | TypeAliasDeclaration>;
  /** Imported name -> module it comes from. */
  imports: Map<string, string>;
}

export function kubernetesTypesRoot(): string {
  return dirname(createRequire(import.meta.url).resolve('kubernetes-types/package.json'));
}

function listDeclarationFiles(root: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const path = join(root, entry.name);
    if (entry.isDirectory()) out.push(...listDeclarationFiles(path));
    else if (entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out.sort();
}

/** Parses every kubernetes-types declaration file with the TypeScript compiler, keyed by module path ("apps/v1"). */
function parseModules(root: string): Map<string, Module> {
  const files = listDeclarationFiles(root);
  const api = new API({ cwd: root });
  try {
    const snapshot = api.updateSnapshot({ openFiles: files });
    const modules = new Map<string, Module>();
    for (const file of files) {
      const project = snapshot.getDefaultProjectForFile(file);
      const source = project?.program.getSourceFile(file);
      if (!source) throw new Error(`TypeScript did not load ${file}`);
      const id = relative(root, file).replace(/\.d\.ts$/, '');
      modules.set(id, readModule(source, id));
    }
    return modules;
  } finally {
    api.close();
  }
}

function readModule(source: SourceFile, id: string): Module {
  const declarations = new Map<string, InterfaceDeclaration | TypeAliasDeclaration>();
  const imports = new Map<string, string>();
  for (const statement of source.statements) {
    if (isInterfaceDeclaration(statement) || isTypeAliasDeclaration(statement)) {
      declarations.set(statement.name.text, statement);
    } else if (isImportDeclaration(statement) && isStringLiteral(statement.moduleSpecifier)) {
      const from = join(dirname(id), statement.moduleSpecifier.text).replace(/\\/g, '/');
      const bindings = statement.importClause?.namedBindings;
      if (!bindings || !isNamedImports(bindings)) throw new Error(`${id}: unsupported import form`);
      for (const specifier of bindings.elements) {
        if (isImportSpecifier(specifier)) imports.set(specifier.name.text, from);
      }
    }
  }
  return { declarations, imports };
}

function schemaName(module: string, name: string): string {
  return `${PACKAGE_OF[module] ?? `io.k8s.api.${module.replace('/', '.')}`}.${name}`;
}

/** The text of the JSDoc comment closest to a declaration: upstream's description of the type or field. */
function describe(node: Node): string | undefined {
  const last = node.jsDoc?.filter(isJSDoc).at(-1);
  const text = last && getTextOfJSDocComment(last.comment)?.trim();
  return text ? text : undefined;
}

function withDescription(schema: OpenAPISchema, description: string | undefined): OpenAPISchema {
  if (description === undefined) return schema;
  // OpenAPI 3.0 ignores siblings of $ref, so a described reference is wrapped the way upstream does it.
  if (schema.$ref !== undefined) return { allOf: [schema], description };
  return { description, ...schema };
}

class Generator {
  readonly schemas = new Map<string, OpenAPISchema>();
  private readonly queue: Array<[module: string, name: string]> = [];

  constructor(
    private readonly modules: Map<string, Module>,
    private readonly servedGroupVersions: ReadonlyArray<{ group: string; version: string }>,
  ) {}

  add(module: string, name: string): string {
    const full = schemaName(module, name);
    if (!this.schemas.has(full) && !this.queue.some(([m, n]) => m === module && n === name)) this.queue.push([module, name]);
    return full;
  }

  run(): void {
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      const [module, name] = next;
      const full = schemaName(module, name);
      if (this.schemas.has(full)) continue;
      this.schemas.set(full, {}); // placeholder: stops recursion through self-referencing types
      this.schemas.set(full, this.declarationSchema(module, name, full));
    }
  }

  module(id: string): Module {
    const found = this.modules.get(id);
    if (!found) throw new Error(`kubernetes-types has no module ${id}`);
    return found;
  }

  private declarationSchema(module: string, name: string, full: string): OpenAPISchema {
    const declaration = this.module(module).declarations.get(name);
    if (!declaration) throw new Error(`${module} declares no ${name}`);
    const description = describe(declaration);
    const special = SPECIAL[full];
    if (special) return special(description);
    if (isTypeAliasDeclaration(declaration)) {
      return withDescription(this.typeSchema(declaration.type, module, full), description);
    }
    if (declaration.members.length === 0) return preserveUnknown(description);
    const properties: Record<string, OpenAPISchema> = {};
    const required: string[] = [];
    const literals: Record<string, string> = {};
    for (const member of declaration.members) {
      if (!isPropertySignatureDeclaration(member) || !member.type || !isIdentifier(member.name)) {
        throw new Error(`${full}: unsupported member ${SyntaxKind[member.kind]}`);
      }
      const field = member.name.text;
      properties[field] = withDescription(this.typeSchema(member.type, module, `${full}.${field}`), describe(member));
      if (member.postfixToken?.kind !== SyntaxKind.QuestionToken) required.push(field);
      if (isLiteralTypeNode(member.type) && isStringLiteral(member.type.literal)) literals[field] = member.type.literal.text;
    }
    const schema: OpenAPISchema = { ...(description ? { description } : {}), type: 'object', properties };
    if (required.length > 0) schema.required = required;
    const gvks = this.gvksOf(module, name, literals);
    if (gvks.length > 0) schema['x-kubernetes-group-version-kind'] = gvks;
    return schema;
  }

  private gvksOf(module: string, name: string, literals: Record<string, string>): GroupVersionKind[] {
    const { apiVersion, kind } = literals;
    if (apiVersion !== undefined && kind !== undefined) {
      const slash = apiVersion.lastIndexOf('/');
      return [{ group: slash < 0 ? '' : apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1), kind }];
    }
    if (module !== 'meta/v1') return [];
    // meta/v1 kinds declare apiVersion as a plain string: they travel in every group, as upstream lists them.
    if (name === 'DeleteOptions' || name === 'WatchEvent') return this.servedGroupVersions.map((gv) => ({ ...gv, kind: name }));
    if (['Status', 'APIGroup', 'APIGroupList', 'APIResourceList', 'APIVersions'].includes(name)) {
      return [{ group: '', version: 'v1', kind: name }];
    }
    return [];
  }

  private typeSchema(node: TypeNode, module: string, where: string): OpenAPISchema {
    switch (node.kind) {
      case SyntaxKind.StringKeyword: return { type: 'string' };
      case SyntaxKind.NumberKeyword: return { type: 'integer' };
      case SyntaxKind.BooleanKeyword: return { type: 'boolean' };
    }
    if (isLiteralTypeNode(node) && isStringLiteral(node.literal)) return { type: 'string' };
    if (isArrayTypeNode(node)) return { type: 'array', items: this.typeSchema(node.elementType, module, `${where}[]`) };
    if (isUnionTypeNode(node)) {
      const kinds = node.types.map((t) => t.kind).sort();
      if (kinds.length === 2 && kinds.includes(SyntaxKind.NumberKeyword) && kinds.includes(SyntaxKind.StringKeyword)) {
        this.schemas.set(INT_OR_STRING, INT_OR_STRING_SCHEMA);
        return { $ref: REF + INT_OR_STRING };
      }
    }
    if (isTypeLiteralNode(node) && node.members.length === 1) {
      const signature = node.members[0]!;
      if (isIndexSignatureDeclaration(signature)) {
        return { type: 'object', additionalProperties: this.typeSchema(signature.type, module, `${where}{}`) };
      }
    }
    if (isTypeReferenceNode(node) && isIdentifier(node.typeName)) {
      const name = node.typeName.text;
      const args = node.typeArguments ?? [];
      if (name === 'Array' && args.length === 1) return { type: 'array', items: this.typeSchema(args[0]!, module, `${where}[]`) };
      if (args.length === 0) {
        const home = this.module(module).declarations.has(name) ? module : this.module(module).imports.get(name);
        if (home === undefined) throw new Error(`${where}: cannot resolve type ${name}`);
        return { $ref: REF + this.add(home, name) };
      }
    }
    throw new Error(`${where}: unsupported type node ${SyntaxKind[node.kind]}`);
  }
}

/** Builds the schema file from the installed kubernetes-types. */
export function generateSchemaFile(): SchemaFile {
  const root = kubernetesTypesRoot();
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const modules = parseModules(root);
  const generator = new Generator(modules, SERVED_KINDS.map(([module]) => groupVersionOfModule(modules, module)));
  for (const module of WHOLE_MODULES) {
    for (const name of generator.module(module).declarations.keys()) generator.add(module, name);
  }
  for (const [module, kinds] of SERVED_KINDS) {
    for (const kind of kinds) {
      generator.add(module, kind);
      if (generator.module(module).declarations.has(`${kind}List`)) generator.add(module, `${kind}List`);
    }
  }
  generator.run();
  const schemas: Record<string, OpenAPISchema> = {};
  for (const name of [...generator.schemas.keys()].sort()) schemas[name] = generator.schemas.get(name)!;
  return { _comment: 'generated by scripts/gen-schemas.ts, do not edit', source: `kubernetes-types@${version}`, schemas };
}

/** A module's API group and version, read from the `apiVersion` literal of any kind it declares. */
function groupVersionOfModule(modules: Map<string, Module>, module: string): { group: string; version: string } {
  for (const declaration of modules.get(module)?.declarations.values() ?? []) {
    if (!isInterfaceDeclaration(declaration)) continue;
    for (const member of declaration.members) {
      if (isPropertySignatureDeclaration(member) && isIdentifier(member.name) && member.name.text === 'apiVersion'
        && member.type && isLiteralTypeNode(member.type) && isStringLiteral(member.type.literal)) {
        const apiVersion = member.type.literal.text;
        const slash = apiVersion.lastIndexOf('/');
        return { group: slash < 0 ? '' : apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
      }
    }
  }
  throw new Error(`cannot tell the group/version of ${module}`);
}

export function renderSchemaFile(file: SchemaFile): string {
  return JSON.stringify(file, null, 1) + '\n';
}

/** Where the generated file lives, from the repository root. */
export const SCHEMA_FILE_PATH = 'src/generated/schemas.json';

function main(argv: string[]): number {
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'); // dist/scripts -> repo
  const target = join(repo, SCHEMA_FILE_PATH);
  const text = renderSchemaFile(generateSchemaFile());
  if (argv.includes('--check')) {
    let current = '';
    try { current = readFileSync(target, 'utf8'); } catch { /* missing counts as stale */ }
    if (current === text) return 0;
    console.error(`${SCHEMA_FILE_PATH} is stale: run \`npm run gen:schemas\``);
    return 1;
  }
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
  console.log(`wrote ${SCHEMA_FILE_PATH}: ${Object.keys(JSON.parse(text).schemas as object).length} schemas`);
  return 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
