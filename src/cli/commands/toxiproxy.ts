// Why: `meshbench toxiproxy` runs the bundled Toxiproxy-compatible server on its own, in the
// foreground, for people who want its API without a run (or in front of their own services).
import type { Command } from 'commander';
import { ExitCode } from '../../core/errors.ts';
import { TOXIPROXY_API_VERSION } from '../../faults/toxiproxy/api.ts';
import { serverOptionsFromFlags } from '../../faults/toxiproxy/flags.ts';
import { startToxiproxyServer } from '../../faults/toxiproxy/server.ts';
import { action } from '../action.ts';

interface ToxiproxyCommandFlags {
  host?: string;
  port?: string;
  seed?: string;
  allowNonLoopback?: boolean;
}

export function register(program: Command): void {
  program
    .command('toxiproxy')
    .description('run the bundled Toxiproxy-compatible server in the foreground (Ctrl-C stops it)')
    .option('--host <address>', 'address of the API', '127.0.0.1')
    .option('--port <port>', 'port of the API, 0 = any free port', '8474')
    .option('--seed <n>', 'seed of the toxics\' random draws (jitter, slicing, toxicity)')
    .option('--allow-non-loopback', 'let proxies listen on and forward to addresses off this machine')
    .addHelpText('after', '\nExample:\n  $ meshbench toxiproxy --port 8474 &\n  $ meshbench run scenarios/oslo-frankfurt.yaml --toxiproxy http://127.0.0.1:8474\n')
    .action(
      action(async (flags: ToxiproxyCommandFlags) => {
        const server = await startToxiproxyServer(serverOptionsFromFlags(flags, 8474));
        process.stdout.write(`meshbench's bundled toxiproxy server (the API of toxiproxy-server ${TOXIPROXY_API_VERSION}) listening on ${server.url}\n`);
        await new Promise<void>((resolve) => {
          const stop = () => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            void server.close().then(resolve);
          };
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        return ExitCode.ok;
      }),
    );
}
