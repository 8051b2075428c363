import * as hdr from 'hdr-histogram-js';
const mk = (bits: any) => hdr.build({ bitBucketSize: bits, lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, autoResize: true, useWebAssembly: false }) as any;
for (let round = 0; round < 5; round++) {
  const h = mk(32);
  for (let i = 0; i < 1000; i++) h.recordValue(Math.round(1000 * (0.3 + Math.random() * 2 + (i % 100 === 0 ? 30 : 0))));
  let t = performance.now(); const p = mk('packed'); p.add(h); const conv = performance.now() - t;
  t = performance.now(); h.reset(); const rs = performance.now() - t;
  t = performance.now(); const enc = hdr.encodeIntoCompressedBase64(p); const te = performance.now() - t;
  t = performance.now(); const fresh = mk(32); const tn = performance.now() - t;
  console.log(`32→packed ${conv.toFixed(2)} ms, reset ${rs.toFixed(3)} ms, encode packed ${te.toFixed(2)} ms, new 32 ${tn.toFixed(2)} ms; packed p99 ${p.getValueAtPercentile(99)}`);
}
