// Why: process entry of the bundled Toxiproxy-compatible server. As an IPC child of the runner
// it reports `{type:'ready', url, port}` and dies with its parent; standalone it prints its URL.
// Flags: --host (127.0.0.1), --port (0 = any free port), --seed, --allow-non-loopback.
import { parseArgs } from 'node:util';
import { reportError } from '../../cli/action.ts';
import { badInput } from '../../core/errors.ts';
import { exitWithParent } from '../../runtime/exit-with-parent.ts';
import { serverOptionsFromFlags } from './flags.ts';
import { startToxiproxyServer } from './server.ts';

export interface ToxiproxyReady {
  type: 'ready';
  url: string;
  port: number;
}

function parseFlags() {
  try {
    return parseArgs({
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string' },
        seed: { type: 'string' },
        'allow-non-loopback': { type: 'boolean', default: false },
      },
    }).values;
  } catch (err) {
    throw badInput('E_TOXIPROXY_FLAG', err instanceof Error ? err.message : String(err), 'Flags: --host, --port, --seed, --allow-non-loopback.');
  }
}

async function main(): Promise<void> {
  if (process.send) exitWithParent();
  const values = parseFlags();
  const server = await startToxiproxyServer(
    serverOptionsFromFlags({ host: values.host, port: values.port, seed: values.seed, allowNonLoopback: values['allow-non-loopback'] }, 0),
  );
  process.on('SIGTERM', () => {
    void server.close().then(() => process.exit(0));
  });
  if (process.send) {
    const ready: ToxiproxyReady = { type: 'ready', url: server.url, port: server.port };
    process.send(ready);
  } else {
    process.stdout.write(`toxiproxy-compatible server listening on ${server.url}\n`);
  }
}

main().catch((err: unknown) => {
  process.exit(reportError(err));
});
