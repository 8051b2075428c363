// --duration on the command line must never silently cut an incident or leave a run whose
// recovery cannot be judged: it is refused with a duration that works, or comes with a notice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyOverrides, durationNotices } from '../../src/scenario/overrides.ts';
import { parseScenario } from '../../src/scenario/parse.ts';

const scenario = parseScenario(
  `
topology:
  services:
    - {name: frontend, calls: [user-service]}
    - {name: user-service, serviceTime: 10ms}
load: {rate: 100, duration: 20s}
recovery: {stable: 3s}
faults:
  - {kind: db-lock, target: user-service, at: 12s, duration: 3s}
`,
  's.yaml',
);

test('a --duration that would cut an incident is refused, naming it and a duration that works', () => {
  assert.throws(
    () => applyOverrides(scenario, { durationS: 14 }),
    (err: Error & { code?: string; hint?: string }) =>
      err.code === 'E_FLAG' &&
      /would cut the incident\(s\) "db-lock user-service" \(12s – 15s\): the measured part would end at 14s/.test(err.message) &&
      /--duration 18 or more/.test(err.hint ?? ''),
  );
});

test('a --duration that leaves too little time after an incident to judge recovery comes with a notice', () => {
  const short = applyOverrides(scenario, { durationS: 16 });
  assert.equal(short.load.durationS, 16);
  const notices = durationNotices(short);
  assert.equal(notices.length, 1);
  assert.match(notices[0]!, /"db-lock user-service" ends at 15s and the measured part at 16s; .* recovery will read "no time to judge" — use --duration 18 or more/);
  assert.deepEqual(durationNotices(applyOverrides(scenario, { durationS: 18 })), []);
});

test('a --duration that makes a fault cover the whole measured part is refused', () => {
  const early = parseScenario(
    `
topology:
  services:
    - {name: frontend, calls: [user-service]}
    - {name: user-service, serviceTime: 10ms}
load: {rate: 100, duration: 20s}
faults:
  - {kind: cpu-steal, target: user-service, at: 500ms, duration: 4s, percent: 20}
`,
    's.yaml',
  );
  assert.throws(() => applyOverrides(early, { durationS: 5 }), (err: Error & { hint?: string }) => /covering the whole measured part/.test(err.message) && /conditions:/.test(err.hint ?? ''));
});
