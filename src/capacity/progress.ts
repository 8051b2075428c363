// Why: a capacity sweep runs for minutes, so it must show it is alive and what it found so far:
// on a terminal one live line per running step, then one line per step, probe and knee; in CI
// logs only the plain lines; nothing with --quiet. Everything goes to stderr, like `run`.
import type { ArmName } from '../scenario/types.ts';
import type { WindowPoint } from '../result/types.ts';
import { formatMs, formatPercent, formatRps } from '../report/format.ts';
import type { ProbeResult } from './probe.ts';
import type { KneeRecord, StepRecord } from './result.ts';
import { kneeCell } from './report/sentences.ts';

export interface CapacityProgress {
  cell(arm: ArmName, replicas: number, index: number, total: number, nominalRps: number): void;
  probe(result: ProbeResult): void;
  stepStart(purpose: string, rate: number): void;
  window(window: WindowPoint, inFlight: number): void;
  step(step: StepRecord): void;
  knee(knee: KneeRecord): void;
  note(message: string): void;
}

export const quietProgress: CapacityProgress = { cell() {}, probe() {}, stepStart() {}, window() {}, step() {}, knee() {}, note() {} };

export function createCapacityProgress(opts: { quiet: boolean; tty: boolean; service: string; write?: (s: string) => void }): CapacityProgress {
  if (opts.quiet) return quietProgress;
  const write = opts.write ?? ((s: string) => process.stderr.write(s));
  const clear = opts.tty ? '\r\x1b[2K' : '';
  let label = '';
  let running = '';
  return {
    cell(arm, replicas, index, total, nominalRps) {
      label = `[${index + 1}/${total}] ${arm} · ${replicas} × ${opts.service}`;
      write(`${clear}${label} (nominal ${formatRps(nominalRps)} rps): closed-loop probe for saturation\n`);
    },
    probe(result) {
      write(`${clear}${label}: saturation ${formatRps(result.okRps)} rps (autocannon, ${result.connections} connections, ${result.durationS.toFixed(1)} s)\n`);
    },
    stepStart(purpose, rate) {
      running = `${label}: ${purpose} ${formatRps(rate)} rps`;
      if (opts.tty) write(`${clear}${running}: warming up`);
    },
    window(w, inFlight) {
      if (opts.tty) write(`${clear}${running}: ${w.t + 1} s  ok ${w.ok}  p99 ${w.p99 === null ? '—' : formatMs(w.p99)}  in flight ${inFlight}`);
    },
    step(s) {
      const verdict = s.collapsed ? `collapsed (${s.collapsed})` : s.meets ? 'meets the SLOs' : `breaks ${s.broken.join(', ')}`;
      write(`${clear}${label}: ${s.purpose} ${formatRps(s.rate)} rps → p99 ${formatMs(s.latencyMs.p99)}, errors ${formatPercent(s.errorRate)}, ${verdict}\n`);
    },
    knee(k) {
      const by = k.limitedBy === null ? '' : k.limitedBy === 'service' ? `, set by ${opts.service}` : k.limitedBy === 'machine' ? ', set by this machine (meshbench used its cores)' : ', set elsewhere, not by the scaled service';
      write(`${clear}${label}: knee ${kneeCell(k)}${by} — ${k.wallTimeS.toFixed(0)} s\n`);
    },
    note(message) {
      write(`${clear}${message}\n`);
    },
  };
}
