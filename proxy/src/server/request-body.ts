// Why: a retry can only resend a body the proxy still holds, and holding every body whole costs
// memory and delays a large body's first byte. As linkerd2 does, a request body of up to 64 KiB is
// held whole (replayable); a larger one streams to the endpoint once, and its request is never
// retried. A request without a body is dispatched at once, without waiting for its end.
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { Body } from '../body.ts';

/** Request bodies up to this size are held whole so that a retry can send them again. */
export const REPLAYABLE_BODY_BYTES = 64 * 1024;

const EMPTY = Buffer.alloc(0);

/** Calls `ready` once with the request's body: at once when it has none or announces a large one, else at its end. */
export function requestBody(req: IncomingMessage, ready: (body: Body) => void): void {
  const chunked = req.headers['transfer-encoding'] !== undefined;
  const length = req.headers['content-length'];
  if (!chunked && (length === undefined || length === '0')) return ready(EMPTY);
  if (!chunked && Number(length) > REPLAYABLE_BODY_BYTES) return ready(req);

  const chunks: Buffer[] = [];
  let size = 0;
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    chunks.push(chunk);
    if (size <= REPLAYABLE_BODY_BYTES) return;
    // Larger than announced (chunked): what was read goes first, then the rest streams.
    req.off('data', onData);
    req.off('end', onEnd);
    req.pause();
    ready(Readable.from(readAfter(chunks, req), { objectMode: false }));
  };
  const onEnd = () => ready(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
  req.on('data', onData);
  req.on('end', onEnd);
}

async function* readAfter(first: Buffer[], rest: Readable): AsyncGenerator<Buffer> {
  yield* first;
  for await (const chunk of rest) yield chunk as Buffer;
}
