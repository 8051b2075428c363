// Why: one direction of one proxied connection. Chunks read from the source socket pass, one
// at a time and in order, through the toxics of that direction's chain as it is *now* — a
// toxic added, updated or removed mid-connection takes effect on the next step — and are
// written to the target socket with backpressure both ways.
import type { Socket } from 'node:net';
import type { Rng } from '../../core/rng.ts';
import type { ToxicCollection, ToxicRecord } from './toxic-collection.ts';
import type { ToxicStream } from './toxic-spec.ts';
import { CLOSES_ON_REMOVAL, createStage, type Item, type Stage, type StageHost } from './toxic-stages.ts';

/** Stop reading from the source when this much is queued ahead of the toxics. */
const HIGH_WATER_BYTES = 256 * 1024;

interface StageSlot {
  /** null when the toxicity draw said this toxic skips this connection. */
  stage: Stage | null;
  controller: AbortController;
}

export interface LinkOptions {
  stream: ToxicStream;
  toxics: ToxicCollection;
  rng: Rng;
  host: StageHost;
  source: Socket;
  target: Socket;
}

export class Link {
  private readonly queue: Item[] = [];
  private queuedBytes = 0;
  private wake: (() => void) | null = null;
  private stopped = false;
  private readonly slots = new Map<ToxicRecord, StageSlot>();
  private readonly unsubscribe: () => void;

  constructor(private readonly opts: LinkOptions) {
    this.unsubscribe = opts.toxics.onChange(() => this.sync());
    this.sync();
    opts.source.on('data', (chunk: Buffer) => this.push({ kind: 'data', data: chunk, at: opts.host.now() }));
    opts.source.on('end', () => this.push({ kind: 'end' }));
    void this.run();
  }

  /** Stops moving data and aborts every stage (their held data goes nowhere). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.unsubscribe();
    for (const slot of this.slots.values()) slot.controller.abort();
    this.slots.clear();
    this.queue.length = 0;
    this.wake?.();
  }

  /**
   * Gives each toxic now in the chain a stage (drawing toxicity once) and aborts departed ones.
   * An updated toxic (same position, new record) gets a new stage and a new draw; a removed
   * toxic of a CLOSES_ON_REMOVAL kind closes the connection, whether or not it applied to it.
   */
  private sync(): void {
    const chain = this.opts.toxics.chain(this.opts.stream);
    const current = new Set(chain);
    let closeNow = false;
    for (const [record, slot] of this.slots) {
      if (!current.has(record)) {
        slot.controller.abort();
        this.slots.delete(record);
        const updated = chain.some((r) => r.seq === record.seq);
        if (!updated && CLOSES_ON_REMOVAL.has(record.type)) closeNow = true;
      }
    }
    if (closeNow) {
      this.opts.host.close();
      return;
    }
    for (const record of current) {
      if (this.slots.has(record)) continue;
      const controller = new AbortController();
      const applies = this.opts.rng.next() < record.toxicity;
      const stage = applies ? createStage(record, this.opts.rng, this.opts.host, controller.signal) : null;
      this.slots.set(record, { stage, controller });
    }
  }

  private push(item: Item): void {
    if (this.stopped) return;
    this.queue.push(item);
    if (item.kind === 'data') {
      this.queuedBytes += item.data.length;
      if (this.queuedBytes > HIGH_WATER_BYTES) this.opts.source.pause();
    }
    this.wake?.();
  }

  private async next(): Promise<Item | null> {
    while (!this.stopped) {
      const item = this.queue.shift();
      if (item) {
        if (item.kind === 'data') this.queuedBytes -= item.data.length;
        if (this.queuedBytes <= HIGH_WATER_BYTES / 2 && this.opts.source.isPaused()) this.opts.source.resume();
        return item;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
    return null;
  }

  private async run(): Promise<void> {
    for (let item = await this.next(); item; item = await this.next()) {
      await this.pass(item, 0);
      if (item.kind === 'end') return;
    }
  }

  /** Hands `item` to the first toxic after position `afterSeq`, or to the target socket. */
  private async pass(item: Item, afterSeq: number): Promise<void> {
    if (this.stopped) return;
    const next = this.opts.toxics.chain(this.opts.stream).find((r) => r.seq > afterSeq);
    if (!next) return this.write(item);
    const stage = this.slots.get(next)?.stage;
    if (!stage) return this.pass(item, next.seq);
    return stage.handle(item, (out) => this.pass(out, next.seq));
  }

  private async write(item: Item): Promise<void> {
    const target = this.opts.target;
    if (target.destroyed) return;
    if (item.kind === 'end') {
      target.end();
      return;
    }
    if (target.write(item.data)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        target.off('drain', done);
        target.off('close', done);
        resolve();
      };
      target.on('drain', done);
      target.on('close', done);
    });
  }
}
