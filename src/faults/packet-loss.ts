// Why: packet loss (and, at 100 %, a partition) must drop real packets so the kernel's own TCP
// retransmission — 200 ms minimum RTO, 1 s for a lost SYN — shapes the tail exactly as in
// production; an emulation in user space would guess at that.
//
// Mechanism: one nftables table of the run's own, `inet meshbench-<runId>-<n>`, whose chain
// drops `numgen random mod 100 < N` of the TCP packets on `lo` to or from the link's ports.
// Chosen over per-node network namespaces joined by veth pairs because the embedded runner's
// services all listen on 127.0.0.1 with distinct ports: matching the callee's ports drops
// exactly one link's packets in both directions (dport = requests, sport = responses) with no
// routing, addressing or process changes, and removing the fault is deleting one table.
// Namespaces become worth their setup when nodes get their own addresses (a later per-node
// model).
//
// The rule sits in the prerouting hook (receive side) only. On loopback every packet passes
// the output hook and then the prerouting/input hooks, so a rule in both would drop each packet
// twice with N % each. Dropping on the receive side is also what a lossy wire does: the sender
// believes the segment left, and TCP recovers by timeout. A drop in the output hook instead
// returns EPERM to the sending socket, which TCP treats as a local error, not as loss.
import { badInput, environmentError } from '../core/errors.ts';
import type { Ledger, LedgerEntry } from '../runtime/ledger.ts';
import type { ActiveFault } from './types.ts';
import { applyNftScript, deleteNftTable } from './nft.ts';

export interface PacketLossOptions {
  ledger: Ledger;
  runId: string;
  /** TCP ports of the link's callee (every replica, and its proxy port if any). */
  ports: number[];
  /** Share of packets dropped in each direction, 0–100; 100 is a partition. */
  percent: number;
  /** What the fault is, for the rule's comment ("loss frontend->user-service"). */
  label: string;
}

let tableCounter = 0;

/** The nft script for one loss table; exported for its unit test. */
export function lossTableScript(name: string, ports: number[], percent: number, label: string): string {
  const set = `{ ${ports.join(', ')} }`;
  const verdict = percent >= 100 ? 'drop' : `numgen random mod 100 < ${percent} drop`;
  const comment = label.replace(/[^A-Za-z0-9 _.:>\-]/g, '_').slice(0, 120);
  return [
    `table inet ${name} {`,
    '  chain lossy {',
    `    ${verdict} comment "${comment}"`,
    '    accept',
    '  }',
    '  chain receive {',
    '    type filter hook prerouting priority raw; policy accept;',
    // A packet whose source and destination ports are both listed still gets one draw:
    // `lossy` ends in a verdict, so the second rule is never reached for it.
    `    iifname "lo" tcp dport ${set} jump lossy`,
    `    iifname "lo" tcp sport ${set} jump lossy`,
    '  }',
    '}',
    '',
  ].join('\n');
}

function validate(opts: PacketLossOptions): void {
  if (!(opts.percent >= 0 && opts.percent <= 100)) {
    throw badInput('fault.loss.percent', `packet loss of ${opts.percent} % is not in 0–100`, 'use a percentage between 0 and 100');
  }
  if (opts.ports.length === 0 || !opts.ports.every((p) => Number.isInteger(p) && p > 0 && p < 65536)) {
    throw badInput('fault.loss.ports', `packet loss needs TCP ports, got [${opts.ports.join(', ')}]`, 'start the link\'s services before injecting loss on it');
  }
}

export async function startPacketLoss(opts: PacketLossOptions): Promise<ActiveFault> {
  validate(opts);
  const name = `meshbench-${opts.runId}-${++tableCounter}`;
  const entry: LedgerEntry = { kind: 'nft-table', family: 'inet', name };
  opts.ledger.record(entry);
  try {
    await applyNftScript(lossTableScript(name, opts.ports, opts.percent, opts.label));
  } catch (err) {
    opts.ledger.release(entry);
    throw environmentError(
      'fault.loss.nft',
      `cannot create nftables table ${name}: ${err instanceof Error ? err.message : String(err)}`,
      'packet loss needs nftables and root: apt-get install -y nftables, and run as root (or with CAP_NET_ADMIN)',
    );
  }
  const what = opts.percent >= 100 ? 'drop all' : `numgen drop ${opts.percent}%`;
  let stopped = false;
  return {
    mechanism: `nftables ${what} on lo tcp/${opts.ports.join(',')} both directions (table inet ${name})`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await deleteNftTable({ family: 'inet', name });
      opts.ledger.release(entry);
    },
  };
}
