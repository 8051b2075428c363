// Why: what `meshbench capacity` prints on stdout when the sweep is done: the answer, the knees,
// the model and its check, the mesh tax, the plan, and every doubt — plain text, aligned columns.
import type { CapacityResult } from '../result.ts';
import { answer, doubts, holdoutText, kneeHeader, kneeRows, meshTaxText, planHeader, planRows, replicaCostText, sloText, uslText } from './sentences.ts';

export function renderCapacityText(result: CapacityResult): string {
  const lines = [answer(result), '', `SLOs: ${sloText(result)}; sweep wall time ${Math.round(result.wallTimeS)} s`, ''];
  lines.push(table(kneeHeader(), kneeRows(result)), '');
  for (const arm of result.arms) {
    lines.push(`${arm.name} model: ${uslText(arm.usl)}`);
    lines.push(`${arm.name} hold-out: ${holdoutText(arm.holdout)}`);
    const replica = replicaCostText(arm);
    if (replica) lines.push(`${arm.name} replica cost: ${replica}`);
    const tax = meshTaxText(arm);
    if (tax) lines.push(`mesh tax (proxy): ${tax}`);
  }
  lines.push('', table(planHeader(), planRows(result.plan)));
  const d = doubts(result);
  if (d.length > 0) lines.push('', 'doubts:', ...d.map((x) => `  - ${x}`));
  return lines.join('\n');
}

function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]! + 2))).join('').trimEnd()).join('\n');
}
