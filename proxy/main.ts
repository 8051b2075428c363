// Why: process entry of the mesh proxy. Under the runner (an IPC child) it reports ready with
// its ports, answers stats requests and dies with its parent; standalone it prints its addresses.
// SIGTERM drains gracefully.
import { readFile } from 'node:fs/promises';
import type net from 'node:net';
import { parseArgs } from 'node:util';
import { badInput, isMeshbenchError } from '../src/core/errors.ts';
import { exitWithParent } from '../src/runtime/exit-with-parent.ts';
import type { ProxyConfig } from './src/config.ts';
import { startProxy } from './src/start-proxy.ts';

type ProxyCommand = { type: 'stats' } | { type: 'router-socket' };

function parseCommandLine() {
  return parseArgs({ options: { config: { type: 'string' }, 'router-from-parent': { type: 'boolean' } } }).values;
}

async function loadConfig(values: ReturnType<typeof parseCommandLine>): Promise<ProxyConfig> {
  if (!values.config) throw badInput('E_PROXY_ARGS', 'the mesh proxy needs --config <file.json>', 'Pass the ProxyConfig JSON the runner writes (proxy-<arm>.json).');
  const text = await readFile(values.config, 'utf8').catch((err: Error) => {
    throw badInput('E_PROXY_CONFIG', `cannot read proxy config ${values.config}: ${err.message}`, 'Check the path.');
  });
  let config: ProxyConfig;
  try {
    config = JSON.parse(text) as ProxyConfig;
  } catch (err) {
    throw badInput('E_PROXY_CONFIG', `proxy config ${values.config} is not JSON: ${(err as Error).message}`, 'It must be a ProxyConfig object.');
  }
  if (typeof config?.mesh !== 'object' || typeof config.destinations !== 'object') {
    throw badInput('E_PROXY_CONFIG', `proxy config ${values.config} needs "mesh" and "destinations"`, 'It must be a ProxyConfig object.');
  }
  return config;
}

/** The runner binds the router port itself and hands the listening socket over (no port race). */
function routerSocketFromParent(): Promise<net.Server> {
  return new Promise((resolve) => {
    const onMessage = (message: ProxyCommand, handle: unknown) => {
      if (message.type !== 'router-socket') return;
      process.off('message', onMessage);
      resolve(handle as net.Server);
    };
    process.on('message', onMessage);
  });
}

async function main(): Promise<void> {
  const underRunner = typeof process.send === 'function';
  if (underRunner) exitWithParent();
  const args = parseCommandLine();
  const config = await loadConfig(args);
  const fromParent = underRunner && args['router-from-parent'] === true;
  const nodeName = process.env.NODE_NAME ?? null;
  const proxy = await startProxy(config, fromParent ? { routerHandle: await routerSocketFromParent(), nodeName } : { nodeName });
  process.on('SIGTERM', () => {
    void proxy.close().then(() => process.exit(0));
  });
  if (underRunner) {
    process.on('message', (message: ProxyCommand) => {
      if (message.type === 'stats') process.send?.({ type: 'stats', ...proxy.stats() });
    });
    process.send?.({ type: 'ready', port: proxy.port, adminPort: proxy.adminPort });
  } else {
    process.on('SIGINT', () => {
      void proxy.close().then(() => process.exit(0));
    });
    const host = config.mesh.bindAddress;
    console.log(`meshbench proxy: router http://${host}:${proxy.port}  admin http://${host}:${proxy.adminPort}/metrics`);
    const discovery = config.discovery;
    if (discovery) void proxy.ready.then(() => console.log(`meshbench proxy: endpoints of ${discovery.services.join(', ')} discovered in namespace ${discovery.namespace}`));
  }
}

main().catch((err: unknown) => {
  if (isMeshbenchError(err)) process.stderr.write(`error ${err.code}: ${err.message}\nhint: ${err.hint}\n`);
  else process.stderr.write(`meshbench proxy: bug: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(isMeshbenchError(err) ? err.exitCode : 70);
});
