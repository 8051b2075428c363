// Why: CI systems (GitHub, GitLab, Jenkins) all render JUnit XML, so each gate becomes one test
// case a reviewer sees next to the unit tests: failures carry the measured value, the threshold
// and the interval; inconclusive gates are skipped, or failures when inconclusive counts as fail;
// baseline gates without a baseline are skipped (or pass, or fail, as --if-no-baseline says).
import { NEEDS_BASELINE, type GateReport, type GateResult } from './evaluate.ts';

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function detail(g: GateResult, report: GateReport): string {
  if (g.interval === null && g.op === null) return `${g.text.measured}; expected: ${g.text.threshold}`;
  return `${g.statistic} = ${g.text.measured}, ${Math.round(report.confidence * 100)}% interval ${g.text.interval}, threshold ${g.text.threshold}`;
}

function testcase(g: GateResult, report: GateReport): string {
  const open = `    <testcase classname="meshbench.gates.${xml(report.scenario)}" name="${xml(g.expression)}" time="0">`;
  const body = (tag: string, type: string) => `\n      <${tag} type="${type}" message="${xml(detail(g, report))}">${xml(g.verdict)}</${tag}>\n    </testcase>`;
  if (g.status === 'skipped') {
    // --if-no-baseline pass: a passing test case that says why it judged nothing.
    if (report.missingBaseline === 'pass') return `${open}\n      <system-out>${xml(g.verdict)}</system-out>\n    </testcase>`;
    return `${open}\n      <skipped message="${xml(g.verdict)}"/>\n    </testcase>`;
  }
  if (g.status === 'fail') return open + body('failure', g.statistic === NEEDS_BASELINE ? 'baseline-missing' : 'gate-failed');
  if (g.status === 'inconclusive') return open + (report.inconclusive === 'fail' ? body('failure', 'gate-inconclusive') : `\n      <skipped message="${xml(`inconclusive: ${detail(g, report)}`)}"/>\n    </testcase>`);
  return `${open}</testcase>`;
}

export function renderJunit(report: GateReport): string {
  const failures = report.counts.fail + (report.inconclusive === 'fail' ? report.counts.inconclusive : 0);
  const skipped = (report.inconclusive === 'fail' ? 0 : report.counts.inconclusive) + (report.missingBaseline === 'pass' ? 0 : report.counts.skipped);
  const attrs = `tests="${report.gates.length}" failures="${failures}" errors="0" skipped="${skipped}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="meshbench gates" ${attrs}>`,
    `  <testsuite name="${xml(report.scenario)}" ${attrs} id="${xml(report.resultId)}">`,
    ...report.gates.map((g) => testcase(g, report)),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
