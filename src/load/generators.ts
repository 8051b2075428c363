// Why: several generator pods share one arrival rate; their schedules must interleave, not fire
// together. Each gets its own seed (derived from the run's and its index) and, for constant
// arrivals, a start offset of index / total rate — N streams then form one even stream.
import { deriveSeed } from '../core/rng.ts';

export function generatorSeed(seed: number, index: number): number {
  return deriveSeed(seed, `generator-${index}`);
}

/** Start offset (ms) of generator `index` of `generators`, each sending `shareRate` per second. */
export function generatorOffsetMs(index: number, generators: number, shareRate: number): number {
  return generators > 1 && shareRate > 0 ? (index * 1000) / (shareRate * generators) : 0;
}
