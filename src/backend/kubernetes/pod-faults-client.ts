// Why: the runner's side of the chaos agent: ask the agent on the target pod's node for a fault,
// renew its lease every second while the fault lasts, delete it at the end. If the runner dies,
// the renewals stop and the agent lifts the fault within one lease.
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import type { AgentFaultRequest } from '../../agent/pod-faults.ts';
import { environmentError } from '../../core/errors.ts';
import type { ActiveFault } from '../../faults/types.ts';
import { kubeRequest, podProxyPath } from './kube-http.ts';
import { CHAOS_AGENT_PORT } from './manifests/chaos-agent.ts';

export const LEASE_MS = 5_000;
const RENEW_EVERY_MS = 1_000;

export interface AgentClientContext {
  kc: KubeConfig;
  namespace: string;
  token: string;
  /** The agent pod on each node, by node name. */
  agentOnNode(node: string): V1Pod | undefined;
}

export async function startAgentFault(ctx: AgentClientContext, id: string, node: string, request: AgentFaultRequest): Promise<ActiveFault> {
  const agent = ctx.agentOnNode(node);
  if (!agent) throw environmentError('E_KUBE_AGENT', `no chaos agent is ready on node ${node}`, 'The chaos agent DaemonSet must run on every node the scenario\'s pods run on.');
  const call = async (method: string, path: string, body?: unknown) => {
    const apiPath = podProxyPath(ctx.namespace, agent.metadata!.name!, CHAOS_AGENT_PORT, path);
    // The pod proxy forwards headers; the token authenticates the runner to the agent.
    return kubeRequest(ctx.kc, method, apiPath, body, 10_000, { 'x-meshbench-agent-token': ctx.token });
  };
  const created = await call('PUT', `/v1/faults/${id}`, { ...request, leaseMs: LEASE_MS });
  if (created.status !== 201) throw environmentError('E_KUBE_AGENT', `the chaos agent on ${node} refused fault ${id}: HTTP ${created.status} ${created.body}`, 'See the chaos agent pod\'s log.');
  const { mechanism } = JSON.parse(created.body) as { mechanism: string };
  let lost: string | null = null;
  const renew = setInterval(() => {
    void call('POST', `/v1/faults/${id}/renew`, { leaseMs: LEASE_MS }).then(
      (r) => {
        if (r.status !== 200) lost = `lease renewal answered HTTP ${r.status}`;
      },
      (err: Error) => (lost = err.message),
    );
  }, RENEW_EVERY_MS);
  return {
    mechanism: `chaos agent on ${node}: ${mechanism} (lease ${LEASE_MS / 1000} s, renewed every ${RENEW_EVERY_MS / 1000} s)`,
    async stop() {
      clearInterval(renew);
      const r = await call('DELETE', `/v1/faults/${id}`);
      if (r.status !== 200 && r.status !== 404) throw new Error(`lifting ${id} on ${node}: HTTP ${r.status} ${r.body}${lost ? ` (${lost})` : ''}`);
    },
  };
}

