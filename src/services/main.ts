// Why: process entry of one synthetic service replica. Under the embedded runner it is an IPC
// child (start, counters, DB lock over the channel); in a pod it reads its config from the
// environment and serves counters and the DB lock on its admin port instead.
import { isMeshbenchError } from '../core/errors.ts';
import { exitWithParent } from '../runtime/exit-with-parent.ts';
import { serveServiceAdmin, type ServiceAdmin } from './admin-server.ts';
import type { ServiceCommand, ServiceEvent } from './protocol.ts';
import { readStandaloneConfig } from './standalone-config.ts';
import { startSyntheticService, type RunningService } from './synthetic-service.ts';

let service: RunningService | null = null;
let admin: ServiceAdmin | null = null;
const send = (event: ServiceEvent) => process.send?.(event);

process.on('SIGTERM', () => {
  void Promise.all([service?.close(), admin?.close()]).then(() => process.exit(0));
});

if (process.send) {
  exitWithParent();
  process.on('message', (message: ServiceCommand) => {
    switch (message.type) {
      case 'start':
        startSyntheticService(message.config).then(
          (s) => {
            service = s;
            send({ type: 'ready', port: s.port });
          },
          (err: unknown) => send({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
        );
        break;
      case 'stats':
        if (service) send({ type: 'stats', counters: service.counters() });
        break;
      case 'db-lock':
        service?.lockDb(message.ms);
        break;
    }
  });
} else {
  void startStandalone();
}

async function startStandalone(): Promise<void> {
  try {
    const config = readStandaloneConfig(process.env);
    service = await startSyntheticService(config.service);
    admin = await serveServiceAdmin(service, config.admin.host, config.admin.port);
    const { name, replica, host } = config.service;
    process.stdout.write(`meshbench service ${name}#${replica}: http://${host}:${service.port}  admin http://${config.admin.host}:${admin.port}/admin/counters.json\n`);
  } catch (err) {
    if (isMeshbenchError(err)) process.stderr.write(`error ${err.code}: ${err.message}\nhint: ${err.hint}\n`);
    else process.stderr.write(`meshbench service: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(isMeshbenchError(err) ? err.exitCode : 3);
  }
}
