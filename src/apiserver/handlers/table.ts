// meta.k8s.io/v1 Table output for `kubectl get`: a Name column, the resource's own columns,
// and each row's object as PartialObjectMetadata (or the full object with includeObject=Object).
import type { KubeObject } from '../../apimachinery/meta.js';
import { humanDuration } from '../../apimachinery/duration.js';
import type { ResourceDefinition, TableCell, TableColumn } from '../registry/generic/resource.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: TableColumn[];
  rows: { cells: TableCell[]; object?: unknown }[];
}

const nameColumn: TableColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated.',
  priority: 0,
};

const ageColumn: TableColumn = {
  name: 'Age',
  type: 'string',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created. Populated by the system. Read-only.',
  priority: 0,
};

export const age = (obj: KubeObject, now: number): string => {
  const created = obj.metadata.creationTimestamp;
  return created ? humanDuration(now - Date.parse(created)) : '<unknown>';
};

export function parseIncludeObject(value: string | null): IncludeObject {
  return value === 'None' || value === 'Object' ? value : 'Metadata';
}

function rowObject(def: ResourceDefinition, obj: KubeObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export function toTable(
  def: ResourceDefinition,
  items: KubeObject[],
  listMeta: Table['metadata'],
  include: IncludeObject,
  withColumns = true,
): Table {
  const now = Date.now();
  const columns = def.table ? def.table.columns.map((c) => ({ description: '', priority: 0, format: '', ...c })) : [ageColumn];
  const nameLast = def.table?.namePosition === 'last-wide';
  const rows = items.map((obj) => {
    const name = def.table?.name ? def.table.name(obj) : (obj.metadata.name ?? '');
    const own = def.table ? def.table.cells(obj, now) : [age(obj, now)];
    const cells: TableCell[] = nameLast ? [...own, name] : [name, ...own];
    const object = rowObject(def, obj, include);
    return object === undefined ? { cells } : { cells, object };
  });
  const definitions = nameLast ? [...columns, { ...nameColumn, priority: 1 }] : [nameColumn, ...columns];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: withColumns ? definitions : [],
    rows,
  };
}
