// Why: a capacity result read in CI or pasted into a design document: the answer, the doubts,
// the plan, the knees and the model — Markdown only, so any renderer shows it.
import type { CapacityResult } from '../result.ts';
import { answer, doubts, holdoutText, kneeHeader, kneeRows, meshTaxText, nodeText, notes, planHeader, planRows, replicaCostText, sloText, uslText } from './sentences.ts';

export function renderCapacityMarkdown(result: CapacityResult): string {
  const plan = result.plan;
  const out = [`# meshbench capacity: ${inline(result.scenario.name)}`, '', `> **Answer:** ${inline(answer(result))}`, ''];
  const d = doubts(result);
  if (d.length > 0) out.push('## Doubts', '', ...d.map((x) => `- ${inline(x)}`), '');
  out.push(
    '## Plan',
    '',
    `${Math.round(plan.targetRps)} rps + ${(plan.headroom * 100).toFixed(0)} % headroom = ${Math.round(plan.neededRps)} rps; nodes of ${nodeText(plan)}; proxy as ${plan.proxyModel === 'daemonset' ? 'a DaemonSet' : 'sidecars'}.`,
    '',
    mdTable(planHeader(), planRows(plan)),
    '',
  );
  if (plan.meshCostNodes !== null) out.push(`**The mesh costs ${plan.meshCostNodes} node${Math.abs(plan.meshCostNodes) === 1 ? '' : 's'}.**`, '');
  out.push('## Knees', '', `SLOs: ${inline(sloText(result))}.`, '', mdTable(kneeHeader(), kneeRows(result)), '');
  out.push('## Model', '');
  for (const arm of result.arms) {
    out.push(`- **${arm.name}** USL: ${inline(uslText(arm.usl))}`, `  - hold-out: ${inline(holdoutText(arm.holdout))}`);
    const replica = replicaCostText(arm);
    if (replica) out.push(`  - replica cost: ${inline(replica)}`);
    const tax = meshTaxText(arm);
    if (tax) out.push(`  - mesh tax (proxy): ${inline(tax)}`);
  }
  out.push('', '## Settings', '', ...notes(result).map((n) => `- ${inline(n)}`), '');
  return out.join('\n');
}

function inline(s: string): string {
  return s.replace(/\r?\n/g, ' ').replace(/[|`*_<>[\]]/g, (c) => `\\${c}`);
}

function mdTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(inline).join(' | ')} |`;
  return [line(header), `|${header.map(() => ' --- ').join('|')}|`, ...rows.map(line)].join('\n');
}
