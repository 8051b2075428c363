// Why: the load metric sees every attempt to its endpoint: pending while in flight, and an RTT
// sample when it ends — except connection failures, whose near-zero "latency" would make a dead
// endpoint look like the fastest one.
import type { Clock } from '../../../src/core/clock.ts';
import type { Layer } from '../service.ts';
import type { Load } from './load.ts';

export function loadLayer(load: Load, clock: Clock): Layer {
  return (inner) => async (req) => {
    const end = load.start(clock.now());
    try {
      const res = await inner(req);
      end(clock.now(), res.proxyError !== 'upstream-unreachable');
      return res;
    } catch (err) {
      end(clock.now(), false);
      throw err;
    }
  };
}
