// Why: a body is either held whole (a Buffer: it can be sent again) or streams through once (a
// Readable). Layers that retry or drop a response ask here rather than testing types themselves,
// and a dropped streamed body is drained so its keep-alive connection returns to the pool.
import type { Readable } from 'node:stream';

export type Body = Buffer | Readable;

/** Whether a retry can send this body again. */
export function isReplayable(body: Body): body is Buffer {
  return Buffer.isBuffer(body);
}

/** Throws away a response body nobody will forward. */
export function discardBody(body: Body): void {
  if (!Buffer.isBuffer(body)) body.resume();
}
