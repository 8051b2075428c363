// Why: besides the static lists the embedded runner writes into its config, a proxy's endpoints
// can come from a source that changes while it runs (a cluster's EndpointSlices). A source only
// announces full endpoint sets of the destinations it manages, so the router and balancers never
// care where endpoints come from.
import type { EndpointConfig } from '../config.ts';

export type EndpointSets = ReadonlyMap<string, readonly EndpointConfig[]>;

export interface EndpointSource {
  /**
   * Starts delivering: `update` receives the complete set of every destination the source
   * manages, first when it has synced and then whenever one changes. Resolves once synced.
   */
  start(update: (sets: EndpointSets) => void): Promise<void>;
  stop(): Promise<void>;
}
