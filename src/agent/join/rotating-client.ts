// A Client whose credentials can be replaced while the agent runs (the kubelet's rotated client
// certificate): every call goes to the current RestClient; after a swap, new requests use the new
// certificate and the old client's connections are closed once in-flight calls had time to end
// (open watches then end, and informers watch again through the new client).
import { RestClient, type RestClientConfig } from '../../client/rest-client.js';
import { type ResourceClient, resourceClient } from '../../client/typed.js';
import type { ApiObject, Client } from '../../client/types.js';

export class RotatingClient implements Client {
  #current: RestClient;

  constructor(config: RestClientConfig) {
    this.#current = new RestClient(config);
  }

  get config(): RestClientConfig {
    return this.#current.config;
  }

  /** Uses new credentials from now on; the previous client is closed after `graceMs`. */
  swap(config: Partial<RestClientConfig>, graceMs = 30_000): void {
    const old = this.#current;
    this.#current = new RestClient({ ...old.config, ...config });
    setTimeout(() => old.close(), graceMs).unref();
  }

  close(): void {
    this.#current.close();
  }

  resource<T = ApiObject>(type: Parameters<Client['resource']>[0]): ResourceClient<T> {
    return resourceClient<T>(this, type);
  }

  get: Client['get'] = (...args) => this.#current.get(...args);
  list: Client['list'] = (...args) => this.#current.list(...args);
  create: Client['create'] = (...args) => this.#current.create(...args);
  update: Client['update'] = (...args) => this.#current.update(...args);
  updateStatus: Client['updateStatus'] = (...args) => this.#current.updateStatus(...args);
  patch: Client['patch'] = (...args) => this.#current.patch(...args);
  delete: Client['delete'] = (...args) => this.#current.delete(...args);
  deleteCollection: Client['deleteCollection'] = (...args) => this.#current.deleteCollection(...args);
  watch: Client['watch'] = (...args) => this.#current.watch(...args);
}
