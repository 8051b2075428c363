// Why: a long run must show it is alive: on a terminal one live line (arm, phase,
// elapsed/remaining, rps, p99); in CI logs plain lines; nothing with --quiet. Progress goes to
// stderr so stdout carries only the summary table and the report path.
import type { WindowPoint } from '../result/types.ts';
import type { PhasePlan } from './plan.ts';

export interface Progress {
  phaseStart(phase: PhasePlan, index: number, total: number): void;
  measuring(): void;
  window(window: WindowPoint, inFlight: number): void;
  phaseEnd(summary: string): void;
  note(message: string): void;
}

export function createProgress(opts: { quiet: boolean; tty: boolean; durationS: number; write?: (s: string) => void }): Progress {
  const write = opts.write ?? ((s: string) => process.stderr.write(s));
  if (opts.quiet) return { phaseStart() {}, measuring() {}, window() {}, phaseEnd() {}, note() {} };
  let label = '';
  return {
    phaseStart(phase, index, total) {
      label = `[${index + 1}/${total}] ${phase.arm} repeat ${phase.repeat + 1}`;
      write(`${label}: starting topology and warmup\n`);
    },
    measuring() {
      if (!opts.tty) write(`${label}: measuring for ${opts.durationS} s\n`);
    },
    window(w, inFlight) {
      const elapsed = w.t + 1;
      const line = `${label}: ${elapsed}/${opts.durationS} s  rps ${w.sent}  ok ${w.ok}  p99 ${w.p99 === null ? '—' : `${w.p99.toFixed(1)} ms`}  in flight ${inFlight}`;
      if (opts.tty) write(`\r\x1b[2K${line}`);
      else if (elapsed % 5 === 0 || elapsed === opts.durationS) write(`${line}\n`);
    },
    phaseEnd(summary) {
      write(`${opts.tty ? '\r\x1b[2K' : ''}${label}: done — ${summary}\n`);
    },
    note(message) {
      write(`${opts.tty ? '\r\x1b[2K' : ''}${message}\n`);
    },
  };
}
