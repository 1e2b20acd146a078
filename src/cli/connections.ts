// The connections of one command run: each environment's admin cluster and rotation services are
// opened on first use, shared by every part of the command that needs them, and closed once when
// the command ends (main's run), whether it succeeded or failed. A port handed out here ignores
// close(): use cases that close what they are given (a probe run, the review's cluster read)
// cannot pull the connection from under the rest of the command.

import type { ClusterPort } from '../core/cluster-port.js';
import type { RotationServices } from '../core/ports/rotation.js';

/** Per-environment caches of the command's cluster connections and rotation services. */
export class CommandConnections {
  readonly #clusters = new Map<string, Promise<ClusterPort>>();
  readonly #services = new Map<string, Promise<RotationServices>>();

  /** The environment's admin cluster, opened with `open` on first use. */
  cluster(environment: string, open: () => Promise<ClusterPort>): Promise<ClusterPort> {
    let port = this.#clusters.get(environment);
    if (!port) {
      port = (async () => keepOpen(await open()))(); // a throwing open() rejects like a failed one
      this.#clusters.set(environment, port);
      // A failed open is not cached: the next caller tries again (and reports its own error).
      port.catch(() => this.#clusters.delete(environment));
    }
    return port;
  }

  /** The environment's rotation services, opened with `open` on first use. */
  services(environment: string, open: () => Promise<RotationServices>): Promise<RotationServices> {
    let services = this.#services.get(environment);
    if (!services) {
      services = (async () => {
        const s = await open();
        return { ...s, close: async () => {}, [OWNED]: s } as RotationServices;
      })();
      this.#services.set(environment, services);
      services.catch(() => this.#services.delete(environment));
    }
    return services;
  }

  /** Closes everything opened so far, each once; a failing close never hides the command's outcome. */
  async closeAll(): Promise<void> {
    const clusters = [...this.#clusters.values()];
    const services = [...this.#services.values()];
    this.#clusters.clear();
    this.#services.clear();
    for (const p of clusters) {
      const port = await p.catch(() => undefined);
      if (port)
        await ownerOf(port)
          .close()
          .catch(() => {});
    }
    for (const p of services) {
      const s = (await p.catch(() => undefined)) as
        | (RotationServices & { [OWNED]?: RotationServices })
        | undefined;
      if (s?.[OWNED]) await s[OWNED].close().catch(() => {});
    }
  }
}

const OWNED = Symbol('owned connection');

/** The port as handed out: every member of the real one, except close(), which waits for closeAll. */
function keepOpen(port: ClusterPort): ClusterPort {
  return new Proxy(port, {
    get(target, prop) {
      if (prop === 'close') return async () => {};
      if (prop === OWNED) return target;
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function ownerOf(port: ClusterPort): ClusterPort {
  return ((port as unknown as Record<symbol, ClusterPort>)[OWNED] ?? port) as ClusterPort;
}
