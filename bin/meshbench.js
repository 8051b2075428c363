#!/usr/bin/env node
// Why: meshbench ships TypeScript sources and runs them through tsx, so `npm ci` is the whole
// install (no build step to forget) and child processes load the same code the CLI does.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
// `cluster` commands leave client-node's keep-alive sockets to the API server (and, after `up`,
// the cluster's daemons) referenced by this process: once the command is done, leave.
if (process.argv[2] === 'cluster') setTimeout(() => process.exit(), 200).unref();
