// Why: each proxy owns an ordered chain of toxics per direction, and open connections must see
// additions, updates and removals at once (as toxiproxy-server re-wires its live links). This
// is that chain as plain state plus change notification; the data path subscribes to it.
import { toxicNotFound } from './api-error.ts';
import { applyToxicUpdate, parseNewToxic, type ToxicSpec, type ToxicStream } from './toxic-spec.ts';

/** One version of a toxic. An update makes a new record that keeps the position (`seq`). */
export interface ToxicRecord extends ToxicSpec {
  /** Position in the chain: data passes toxics in increasing seq. */
  readonly seq: number;
}

export class ToxicCollection {
  private records: ToxicRecord[] = [];
  private nextSeq = 1;
  private readonly listeners = new Set<() => void>();

  /** Toxics in API order: upstream chain, then downstream chain. */
  list(): ToxicRecord[] {
    return [...this.chain('upstream'), ...this.chain('downstream')];
  }

  /** Toxics data in `stream` passes through, in order. */
  chain(stream: ToxicStream): ToxicRecord[] {
    return this.records.filter((r) => r.stream === stream);
  }

  get(name: string): ToxicRecord {
    const found = this.records.find((r) => r.name === name);
    if (!found) throw toxicNotFound();
    return found;
  }

  add(body: unknown): ToxicRecord {
    const spec = parseNewToxic(body, (name) => this.records.some((r) => r.name === name));
    const record = { ...spec, seq: this.nextSeq++ };
    this.records.push(record);
    this.changed();
    return record;
  }

  update(name: string, body: unknown): ToxicRecord {
    const existing = this.get(name);
    const record = { ...applyToxicUpdate(existing, body), seq: existing.seq };
    this.records = this.records.map((r) => (r === existing ? record : r));
    this.changed();
    return record;
  }

  remove(name: string): void {
    const existing = this.get(name);
    this.records = this.records.filter((r) => r !== existing);
    this.changed();
  }

  clear(): void {
    if (this.records.length === 0) return;
    this.records = [];
    this.changed();
  }

  /** Calls `listener` after every change; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
