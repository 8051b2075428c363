import * as hdr from 'hdr-histogram-js';
function onePass(h: any, ps: number[]) {
  const total = h.totalCount; const targets = ps.map((p) => Math.max(Math.ceil((p / 100) * total), 1));
  const out: number[] = []; let k = 0; let acc = 0; let sum = 0;
  const maxIndex = h.countsArrayIndex(h.maxValue);
  for (let i = 0; i <= maxIndex && k < targets.length; i++) {
    const c = h.getCountAtIndex(i); if (c === 0) continue; acc += c;
    while (k < targets.length && acc >= targets[k]) { out.push(h.highestEquivalentValue(h.valueFromIndex(i))); k++; }
  }
  return out;
}
for (const bits of ['packed', 32] as const) {
  const mk = () => hdr.build({ bitBucketSize: bits as any, lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, autoResize: true, useWebAssembly: false });
  for (let round = 0; round < 4; round++) {
    const h: any = mk();
    for (let i = 0; i < 1000; i++) h.recordValue(Math.round(1000 * (0.3 + Math.random() * 2 + (i % 100 === 0 ? 30 : 0))));
    let t = performance.now(); const m = h.mean; const tm = performance.now() - t;
    t = performance.now(); const r = [50, 90, 99, 99.9].map((p) => h.getValueAtPercentile(p)); const tp = performance.now() - t;
    t = performance.now(); const o = onePass(h, [50, 90, 99, 99.9]); const to = performance.now() - t;
    console.log(bits, `mean ${tm.toFixed(2)} ms, 4×getValueAtPercentile ${tp.toFixed(2)} ms, one pass ${to.toFixed(2)} ms`, r.join(',') === o.join(',') ? 'same' : `DIFF ${r} vs ${o}`);
  }
}
