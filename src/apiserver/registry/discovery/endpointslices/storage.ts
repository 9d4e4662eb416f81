import { age } from '../../../handlers/table.js';
import { defineResource } from '../../generic/resource.js';
import { type EndpointSlice, endpointSliceStrategy } from './strategy.js';

const MAX_SHOWN = 3;

/** listWithMoreString: "a,b,c + 2 more...", or "<unset>" when empty. */
const listWithMore = (list: string[], total: number): string => {
  const ret = list.join(',');
  if (total > MAX_SHOWN) return `${ret} + ${total - MAX_SHOWN} more...`;
  return ret === '' ? '<unset>' : ret;
};

/** formatDiscoveryPorts: port numbers, or the name for a port without one. */
export const formatSlicePorts = (slice: EndpointSlice): string => {
  const ports = slice.ports ?? [];
  const shown = ports.slice(0, MAX_SHOWN).map((p) => (p.port !== undefined ? String(p.port) : p.name ?? '*'));
  return listWithMore(shown, ports.length);
};

/** formatDiscoveryEndpoints: the first three addresses of all endpoints. */
export const formatSliceEndpoints = (slice: EndpointSlice): string => {
  const addresses = (slice.endpoints ?? []).flatMap((e) => e.addresses ?? []);
  return listWithMore(addresses.slice(0, MAX_SHOWN), addresses.length);
};

export const endpointslices = defineResource<EndpointSlice>({
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  resource: 'endpointslices',
  singular: 'endpointslice',
  namespaced: true,
  strategy: endpointSliceStrategy,
  table: {
    columns: [
      { name: 'AddressType', type: 'string', description: 'addressType specifies the type of address carried by this EndpointSlice.' },
      { name: 'Ports', type: 'string', description: 'ports specifies the list of network ports exposed by each endpoint in this slice.' },
      { name: 'Endpoints', type: 'string', description: 'endpoints is a list of unique endpoints in this slice.' },
      { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
    ],
    cells: (slice, now) => [slice.addressType ?? '', formatSlicePorts(slice), formatSliceEndpoints(slice), age(slice, now)],
  },
});
