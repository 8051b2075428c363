// Why: what each toxic does to the bytes of one direction of one connection, with Toxiproxy's
// semantics. A stage receives chunks in order and emits them (delayed, paced, sliced, dropped,
// truncated) to the rest of the chain; when its toxic is removed it is aborted and hands on
// whatever it holds — except the timeout toxic, which drops what it swallowed and, on removal,
// closes the connection, as toxiproxy-server's does. Randomness is the link's seeded Rng.
import type { Rng } from '../../core/rng.ts';
import { MAX_TIMER_MS } from '../../scenario/limits.ts';
import type { ToxicKind } from '../../scenario/types.ts';
import type { ToxicRecord } from './toxic-collection.ts';

export type Item = { kind: 'data'; data: Buffer; /** when it was read from the socket (ms) */ at: number } | { kind: 'end' };
export type Emit = (item: Item) => Promise<void>;

/** What a stage may do to the connection it belongs to. */
export interface StageHost {
  now(): number;
  /** Resolves true after `ms`, or false as soon as `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<boolean>;
  /** Closes both sides gracefully after what was already written (FIN). */
  close(): void;
  /** Closes both sides with a TCP RST ("connection reset by peer"). */
  reset(): void;
}

export interface Stage {
  handle(item: Item, emit: Emit): Promise<void>;
}

/** One draw of latency ± jitter (uniform), in ms. */
export function latencyDelay(rng: Rng, latency: number, jitter: number): number {
  return Math.max(0, latency + (rng.next() * 2 - 1) * jitter);
}

/**
 * Piece sizes for slicing `size` bytes, by toxiproxy-server's rule: a piece no longer than
 * average + variation is kept whole, a longer one is cut near its middle (± variation) and each
 * half sliced again. Every piece has at least one byte, so no setting (toxiproxy-server accepts
 * size_variation ≥ average_size, and average_size 0) can stall or crash the link.
 */
export function sliceSizes(rng: Rng, size: number, average: number, variation: number): number[] {
  const sizes: number[] = [];
  // An explicit stack instead of recursion: slicing 64 KB into 1-byte pieces stays flat.
  const pending: number[] = size > 0 ? [size] : [];
  while (pending.length > 0) {
    const piece = pending.pop()!;
    if (piece - average <= variation || piece === 1) {
      sizes.push(piece);
      continue;
    }
    const shift = variation > 0 ? Math.floor(rng.next() * variation * 2) - variation : 0;
    const left = Math.min(piece - 1, Math.max(1, Math.floor(piece / 2) + shift));
    pending.push(piece - left, left);
  }
  return sizes;
}

/** Toxics whose removal closes the connections on their link (toxiproxy's CleanupToxic). */
export const CLOSES_ON_REMOVAL: ReadonlySet<ToxicKind> = new Set(['timeout']);

/**
 * When a pipe limited to `kbPerS` (1 KB = 1000 bytes, as in Toxiproxy) has finished sending
 * `bytes` more, given it is busy until `busyUntil` and it is now `now` (all in ms).
 */
export function busyUntilAfter(busyUntil: number, now: number, bytes: number, kbPerS: number): number {
  return Math.max(busyUntil, now) + bytes / kbPerS;
}

const data = (item: Item, bytes: Buffer): Item => ({ kind: 'data', data: bytes, at: item.kind === 'data' ? item.at : 0 });

/** The stage for `toxic` on one link; `signal` aborts when the toxic leaves that link. */
export function createStage(toxic: ToxicRecord, rng: Rng, host: StageHost, signal: AbortSignal): Stage {
  const attr = (name: string): number => toxic.attributes[name] ?? 0;
  switch (toxic.type) {
    case 'latency':
      return {
        async handle(item, emit) {
          if (item.kind === 'data') {
            const wait = item.at + latencyDelay(rng, attr('latency'), attr('jitter')) - host.now();
            if (wait > 0) await host.sleep(wait, signal);
          }
          await emit(item);
        },
      };
    case 'bandwidth': {
      const rate = attr('rate');
      const slice = Math.max(1, rate * 100); // at most 100 ms worth per write, as Toxiproxy
      let busyUntil = 0;
      return {
        async handle(item, emit) {
          if (item.kind === 'end' || rate <= 0) return emit(item);
          for (let offset = 0; offset < item.data.length; ) {
            const piece = item.data.subarray(offset, offset + slice);
            busyUntil = busyUntilAfter(busyUntil, host.now(), piece.length, rate);
            const wait = busyUntil - host.now();
            if (wait > 0 && !(await host.sleep(wait, signal))) return emit(data(item, item.data.subarray(offset)));
            await emit(data(item, piece));
            offset += piece.length;
          }
        },
      };
    }
    case 'slow_close':
      return {
        async handle(item, emit) {
          if (item.kind === 'end') await host.sleep(attr('delay'), signal);
          await emit(item);
        },
      };
    case 'timeout': {
      // Data is dropped; the connection closes `timeout` ms after the toxic met it, or never
      // when timeout ≤ 0 (the link closes it when the toxic is removed: CLOSES_ON_REMOVAL).
      if (attr('timeout') > 0) void host.sleep(attr('timeout'), signal).then((elapsed) => elapsed && host.close());
      return {
        async handle(item, emit) {
          if (item.kind === 'end') await emit(item);
        },
      };
    }
    case 'reset_peer':
      // The first thing that arrives starts the timer; at its end the connection is reset.
      return {
        async handle(item, emit) {
          if (await host.sleep(attr('timeout'), signal)) host.reset();
          else await emit(item);
        },
      };
    case 'slicer':
      return {
        async handle(item, emit) {
          if (item.kind === 'end') return emit(item);
          const sizes = sliceSizes(rng, item.data.length, attr('average_size'), attr('size_variation'));
          let offset = 0;
          for (const [i, size] of sizes.entries()) {
            await emit(data(item, item.data.subarray(offset, offset + size)));
            offset += size;
            const last = i === sizes.length - 1;
            if (!last && attr('delay') > 0 && !(await host.sleep(attr('delay') / 1000, signal))) {
              return emit(data(item, item.data.subarray(offset)));
            }
          }
        },
      };
    case 'limit_data': {
      let sent = 0;
      return {
        async handle(item, emit) {
          if (item.kind === 'end') return emit(item);
          const piece = item.data.subarray(0, Math.max(0, attr('bytes') - sent));
          if (piece.length > 0) await emit(data(item, piece));
          sent += piece.length;
          if (sent >= attr('bytes')) host.close();
        },
      };
    }
  }
}

/**
 * Timer-backed sleep that ends early (false) when the signal aborts; Infinity waits for it.
 * Node timers fire at once past MAX_TIMER_MS (a toxic may ask for any int64), so a longer sleep
 * is taken in parts.
 */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const wait = (left: number) => {
      if (!Number.isFinite(left)) return;
      timer = setTimeout(() => {
        if (left > MAX_TIMER_MS) return wait(left - MAX_TIMER_MS);
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, Math.min(left, MAX_TIMER_MS));
    };
    wait(ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
