// Why: process entry of one synthetic service replica, controlled by the runner over IPC.
import { exitWithParent } from '../runtime/child.ts';
import type { ServiceCommand, ServiceEvent } from './protocol.ts';
import { startSyntheticService, type RunningService } from './synthetic-service.ts';

let service: RunningService | null = null;
const send = (event: ServiceEvent) => process.send?.(event);

exitWithParent();
process.on('SIGTERM', () => {
  void (service?.close() ?? Promise.resolve()).then(() => process.exit(0));
});
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
