// Why: process entry of the chaos agent (one pod per node, privileged, host PID namespace). It
// first removes what a previous agent on this node may have left (a crashed agent cannot lift
// its faults), then serves the lease API until SIGTERM, when it lifts everything it applied.
import { realClock } from '../core/clock.ts';
import { startAgent } from './agent-server.ts';
import { applyFault, type AgentEnv } from './pod-faults.ts';
import { sweepNode } from './sweep.ts';

const env: AgentEnv = {
  procRoot: process.env.AGENT_PROC_ROOT ?? '/proc',
  cgroupRoot: process.env.AGENT_CGROUP_ROOT ?? '/host/sys/fs/cgroup',
  podInterface: process.env.AGENT_POD_INTERFACE ?? 'eth0',
};
const token = process.env.AGENT_TOKEN;
if (!token) {
  process.stderr.write('meshbench agent: AGENT_TOKEN is not set\n');
  process.exit(2);
}
const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);

for (const line of await sweepNode(env)) log(`startup sweep: ${line}`);
const agent = startAgent({ token, clock: realClock, apply: (id, req) => applyFault(env, id, req), log });
const port = Number(process.env.AGENT_PORT ?? 9997);
agent.server.listen(port, process.env.AGENT_HOST ?? '0.0.0.0', () => log(`meshbench chaos agent on :${port} (node ${process.env.NODE_NAME ?? '?'})`));
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    void agent.close().then(() => process.exit(0));
  });
}
