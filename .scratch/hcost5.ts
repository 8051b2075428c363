import * as hdr from 'hdr-histogram-js';
await hdr.initWebAssembly();
for (const bits of ['packed', 32] as const) {
const mk = () => hdr.build({ bitBucketSize: bits as any, lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, autoResize: true, useWebAssembly: true }) as any;
for (let round = 0; round < 4; round++) {
  const h = mk();
  let t = performance.now();
  for (let i = 0; i < 1000; i++) h.recordValue(Math.round(1000 * (0.3 + Math.random() * 2 + (i % 100 === 0 ? 30 : 0))));
  const rec = performance.now() - t;
  t = performance.now(); const r = [50, 90, 99, 99.9].map((p) => h.getValueAtPercentile(p)); const tp = performance.now() - t;
  t = performance.now(); const m = h.mean; const tm = performance.now() - t;
  t = performance.now(); const enc = hdr.encodeIntoCompressedBase64(h); const te = performance.now() - t;
  console.log(bits, `record 1000 ${rec.toFixed(2)} ms, 4 pct ${tp.toFixed(3)} ms, mean ${tm.toFixed(3)} ms, encode ${te.toFixed(2)} ms, footprint ${h.estimatedFootprintInBytes}`, r.join(','), m.toFixed(0));
  h.destroy();
}}
