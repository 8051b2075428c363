// Why: toxic faults need a Toxiproxy API. The embedded backend uses the user's real
// toxiproxy-server when given one, and otherwise starts its bundled compatible server as a
// child process for the whole run, on the services' CPUs when the run pins them.
import { startChild } from '../../runtime/child.ts';
import type { Ledger } from '../../runtime/ledger.ts';
import type { Teardown } from '../../runtime/teardown.ts';
import type { CpuPinner } from './cpu-pinner.ts';
import { TOXIC_KINDS, type Scenario } from '../../scenario/types.ts';
import { injections } from '../../scenario/injections.ts';

export function needsToxiproxy(scenario: Scenario): boolean {
  return injections(scenario).some((f) => (TOXIC_KINDS as readonly string[]).includes(f.kind));
}

export async function startToxiproxy(url: string | null, teardown: Teardown, ledger: Ledger, pinner: CpuPinner | null): Promise<string> {
  if (url) return url;
  const child = startChild<never, { type: 'ready'; url: string }>('src/faults/toxiproxy/main.ts', { label: 'toxiproxy' });
  let serverUrl: string | null = null;
  teardown.add('process toxiproxy', async () => {
    await child.stop();
    // The bundled server's proxies died with it, whether or not their removal got through.
    for (const entry of ledger.entries()) {
      if (entry.kind === 'toxiproxy-proxy' && entry.url === serverUrl) ledger.release(entry);
    }
  });
  await pinner?.pin('services', child);
  serverUrl = (await child.next('ready')).url;
  return serverUrl;
}
