import * as hdr from 'hdr-histogram-js';
for (const bits of ['packed', 32, 16] as const) {
  const mk = () => hdr.build({ bitBucketSize: bits as any, lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, autoResize: true, useWebAssembly: false });
  for (let round = 0; round < 3; round++) {
    const h = mk();
    for (let i = 0; i < 1000; i++) h.recordValue(Math.round(1000 * (0.3 + Math.random() * 2 + (i % 100 === 0 ? 30 : 0))));
    let t = performance.now();
    const r = [50, 90, 99, 99.9].map((p) => h.getValueAtPercentile(p)); const m = h.mean; const mx = h.maxValue;
    const a = performance.now() - t;
    t = performance.now(); for (let i = 0; i < 1000; i++) h.recordValue(1234); const rec = performance.now() - t;
    console.log(bits, `percentiles ${a.toFixed(2)} ms, 1000 records ${rec.toFixed(2)} ms, footprint ${(h as any).estimatedFootprintInBytes} B`, r.join(','));
  }
}
