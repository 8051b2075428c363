// Why: the CLI table, the Markdown summary and the HTML report show the same per-arm summary,
// overhead and measurement floor; computing them once keeps the three views in agreement.
import type { ArmName } from '../scenario/types.ts';
import type { RunResult } from '../result/types.ts';
import { formatMs, formatPercent, formatRps, formatSignedMs } from './format.ts';

export interface SummaryTable {
  header: string[];
  rows: string[][];
}

/**
 * One row per arm: p50, p99, p99.9, error rate, rps; timeouts and dropped columns appear only
 * when some arm has any, so a clean run stays a short table.
 */
export function summaryTable(result: RunResult): SummaryTable {
  const showTimeouts = result.arms.some((a) => a.requests.timeouts > 0);
  const showDropped = result.arms.some((a) => a.requests.dropped > 0);
  const header = ['arm', 'p50', 'p99', 'p99.9', 'errors'];
  if (showTimeouts) header.push('timeouts');
  if (showDropped) header.push('dropped');
  header.push('rps');
  const rows = result.arms.map((arm) => {
    const row = [arm.name, formatMs(arm.latencyMs.p50), formatMs(arm.latencyMs.p99), formatMs(arm.latencyMs.p999), formatPercent(arm.errorRate)];
    if (showTimeouts) row.push(String(arm.requests.timeouts));
    if (showDropped) row.push(String(arm.requests.dropped));
    row.push(formatRps(arm.achievedRps));
    return row;
  });
  return { header, rows };
}

/** "proxy overhead (meshed - direct): p50 +0.3 ms, …", or null when only one arm ran. */
export function overheadLine(result: RunResult): string | null {
  const c = result.comparison;
  if (!c) return null;
  // With faults the difference is the mesh's effect on the incident, not the cost of its hop.
  const label = c.base === 'direct' && c.other === 'meshed' && result.scenario.faults.length === 0 ? 'proxy overhead' : 'difference';
  return (
    `${label} (${c.other} - ${c.base}): p50 ${formatSignedMs(c.addedMs.p50)}, ` +
    `p99 ${formatSignedMs(c.addedMs.p99)}, p99.9 ${formatSignedMs(c.addedMs.p999)}`
  );
}

/**
 * How late the generator sent, worst arm: differences smaller than this are not measurable.
 * Always shown, so nobody reads a 0.05 ms overhead off a 1 ms floor.
 */
export function floorLine(result: RunResult): string {
  if (result.arms.length === 0) return 'measurement floor: no arm ran, nothing measured';
  const p50 = Math.max(...result.arms.map((a) => a.sendLatenessMs.p50));
  const p99 = Math.max(...result.arms.map((a) => a.sendLatenessMs.p99));
  return `measurement floor: generator send lateness p50 ${formatMs(p50)}, p99 ${formatMs(p99)}`;
}

/** "0.9 s (repeat 0), never (repeat 1)" per arm and fault, for the recovery listings. */
export interface RecoveryLine {
  arm: ArmName;
  fault: string;
  perRepeat: string;
}

export function recoveryLines(result: RunResult): RecoveryLine[] {
  const out: RecoveryLine[] = [];
  for (const arm of result.arms) {
    const faults = [...new Set(arm.recovery.map((r) => r.fault))];
    for (const fault of faults) {
      const perRepeat = arm.recovery
        .filter((r) => r.fault === fault)
        .sort((a, b) => a.repeat - b.repeat)
        .map((r) => `${r.recoveredAfterS === null ? 'never' : `${r.recoveredAfterS.toFixed(1)} s`} (repeat ${r.repeat})`)
        .join(', ');
      out.push({ arm: arm.name, fault, perRepeat });
    }
  }
  return out;
}
