import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { detectCapabilities } from '../../src/faults/capabilities.ts';
import { listNftTables } from '../../src/faults/nft.ts';
import { lossTableScript, startPacketLoss } from '../../src/faults/packet-loss.ts';
import { cleanLeftovers } from '../../src/runtime/clean.ts';
import { Ledger, newRunId } from '../../src/runtime/ledger.ts';

const stateDir = mkdtempSync(path.join(tmpdir(), 'meshbench-test-'));
process.env.MESHBENCH_STATE_DIR = stateDir;
after(() => rmSync(stateDir, { recursive: true, force: true }));
const caps = await detectCapabilities();
const skip = !caps.root ? 'needs root for nftables' : !caps.nft.usable ? `nftables unusable: ${caps.nft.problem}` : false;

/** Time from connect() to the TCP handshake completing, for `n` fresh connections each doing one request. */
async function connectTimes(port: number, n: number, concurrency = 25): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const t0 = performance.now();
      const socket = connect({ host: '127.0.0.1', port });
      socket.setTimeout(20_000, () => socket.destroy(new Error('no response within 20 s')));
      socket.on('connect', () => {
        times.push(performance.now() - t0);
        socket.end('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
      });
      socket.on('data', () => {});
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
  const worker = async () => {
    while (next++ < n) await one();
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return times;
}

function p99(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(sorted.length * 0.99) - 1]!;
}

function listen(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer((_req, res) => res.end('ok'));
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}
const portOf = (s: Server) => (s.address() as AddressInfo).port;

describe('lossTableScript', () => {
  it('sends packets to and from the link ports through one random drop', () => {
    const script = lossTableScript('meshbench-ab12cd34-1', [4000, 4001], 5, 'loss a->b');
    assert.match(script, /table inet meshbench-ab12cd34-1/);
    assert.match(script, /numgen random mod 100 < 5 drop/);
    assert.match(script, /iifname "lo" tcp dport \{ 4000, 4001 \} jump lossy/);
    assert.match(script, /iifname "lo" tcp sport \{ 4000, 4001 \} jump lossy/);
    assert.match(lossTableScript('t', [1], 100, 'p'), /^\s+drop comment/m);
  });
});

describe('startPacketLoss', { skip }, () => {
  const runId = newRunId();
  let ledger: Ledger;
  let lossy: Server;
  let healthy: Server;

  before(async () => {
    ledger = Ledger.open(runId);
    [lossy, healthy] = await Promise.all([listen(), listen()]);
  });
  after(async () => {
    lossy.close();
    healthy.close();
    lossy.closeAllConnections();
    healthy.closeAllConnections();
    await cleanLeftovers({ runId });
  });

  it('5 % loss puts lost SYNs (1 s RTO) into the connect p99 of that port only, and stop() removes the table', async () => {
    const baseline = await connectTimes(portOf(lossy), 300);
    assert.ok(p99(baseline) < 300, `baseline connect p99 ${p99(baseline).toFixed(1)} ms should be far below 1 s`);

    const fault = await startPacketLoss({ ledger, runId, ports: [portOf(lossy)], percent: 5, label: 'loss test' });
    assert.match(fault.mechanism, new RegExp(`meshbench-${runId}-\\d+`));
    assert.match(fault.mechanism, new RegExp(`tcp/${portOf(lossy)}`));
    assert.deepEqual(ledger.entries().filter((e) => e.kind === 'nft-table').length, 1);
    try {
      const [withLoss, other] = await Promise.all([connectTimes(portOf(lossy), 300), connectTimes(portOf(healthy), 300)]);
      assert.ok(p99(withLoss) >= 950, `connect p99 with 5 % loss ${p99(withLoss).toFixed(1)} ms should include a 1 s SYN retransmit`);
      assert.ok(p99(other) < 300, `another port's connect p99 ${p99(other).toFixed(1)} ms should be unaffected`);
    } finally {
      await fault.stop();
    }
    await fault.stop(); // twice is safe
    const tables = await listNftTables();
    assert.deepEqual(tables.filter((t) => t.name.startsWith(`meshbench-${runId}`)), []);
    assert.deepEqual(ledger.entries(), []);
  });

  it('100 % is a partition: no handshake completes until stop()', async () => {
    const fault = await startPacketLoss({ ledger, runId, ports: [portOf(lossy)], percent: 100, label: 'partition test' });
    try {
      const outcome = await new Promise<string>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port: portOf(lossy) });
        const timer = setTimeout(() => {
          socket.destroy();
          resolve('timed out');
        }, 1500);
        socket.on('connect', () => {
          clearTimeout(timer);
          socket.destroy();
          resolve('connected');
        });
        socket.on('error', () => resolve('error'));
      });
      assert.equal(outcome, 'timed out');
    } finally {
      await fault.stop();
    }
    const after = await connectTimes(portOf(lossy), 20, 5);
    assert.ok(p99(after) < 300, 'connections succeed again after stop()');
  });
});
