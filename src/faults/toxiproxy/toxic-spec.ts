// Why: a toxic arrives as loose JSON (create or partial update) and must be checked the way
// toxiproxy-server checks it — type, stream, integer attributes — before it touches a live
// connection. This module is that parser; it holds no state and does no I/O.
import { TOXIC_KINDS, type ToxicKind } from '../../scenario/types.ts';
import { ApiError, badRequest } from './api-error.ts';

export type ToxicStream = 'upstream' | 'downstream';

export interface ToxicSpec {
  readonly name: string;
  readonly type: ToxicKind;
  /** upstream = client → server, downstream = server → client. */
  readonly stream: ToxicStream;
  /** Probability, per connection, that the toxic applies. */
  readonly toxicity: number;
  readonly attributes: Readonly<Record<string, number>>;
}

/** Every attribute of each toxic type, in toxiproxy-server's names and units. */
export const TOXIC_ATTRIBUTES: Readonly<Record<ToxicKind, readonly string[]>> = {
  latency: ['latency', 'jitter'], // ms
  bandwidth: ['rate'], // KB/s
  slow_close: ['delay'], // ms
  timeout: ['timeout'], // ms, 0 = never close
  reset_peer: ['timeout'], // ms
  slicer: ['average_size', 'size_variation', 'delay'], // bytes, bytes, µs
  limit_data: ['bytes'],
};

type Json = Record<string, unknown>;

function asObject(body: unknown): Json {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('expected a JSON object');
  return body as Json;
}

function isToxicKind(value: unknown): value is ToxicKind {
  return typeof value === 'string' && (TOXIC_KINDS as readonly string[]).includes(value);
}

function parseToxicity(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw badRequest('toxicity must be a number from 0 to 1');
  return value;
}

/** Known attributes from `raw` over `base`; unknown names are ignored, as the real server does. */
function mergeAttributes(type: ToxicKind, base: Readonly<Record<string, number>>, raw: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  const given = raw === undefined ? {} : asObject(raw);
  for (const key of TOXIC_ATTRIBUTES[type]) {
    const value = key in given ? given[key] : (base[key] ?? 0);
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw badRequest(`attribute ${key} of a ${type} toxic must be a non-negative integer`);
    }
    out[key] = value;
  }
  if (type === 'slicer') {
    const avg = out.average_size ?? 0;
    const variation = out.size_variation ?? 0;
    if (avg < 1) throw badRequest('attribute average_size of a slicer toxic must be at least 1');
    if (variation >= avg) throw badRequest('attribute size_variation of a slicer toxic must be smaller than average_size');
  }
  return out;
}

/** The API's JSON form of a toxic (without internal fields such as its chain position). */
export function toxicJson(spec: ToxicSpec): ToxicSpec {
  const { name, type, stream, toxicity, attributes } = spec;
  return { name, type, stream, toxicity, attributes };
}

/** A new toxic from a POST body; defaults: downstream, toxicity 1, name `<type>_<stream>`. */
export function parseNewToxic(body: unknown): ToxicSpec {
  const json = asObject(body);
  if (!isToxicKind(json.type)) throw new ApiError(400, 'invalid toxic type');
  const stream = json.stream ?? 'downstream';
  if (stream !== 'upstream' && stream !== 'downstream') {
    throw new ApiError(400, 'stream was invalid, can be either upstream or downstream');
  }
  if (json.name !== undefined && typeof json.name !== 'string') throw badRequest('name must be a string');
  return {
    name: json.name || `${json.type}_${stream}`,
    type: json.type,
    stream,
    toxicity: parseToxicity(json.toxicity, 1),
    attributes: mergeAttributes(json.type, {}, json.attributes),
  };
}

/** An update keeps name, type and stream; it may change attributes (merged) and toxicity. */
export function applyToxicUpdate(existing: ToxicSpec, body: unknown): ToxicSpec {
  const json = asObject(body);
  return {
    ...existing,
    toxicity: parseToxicity(json.toxicity, existing.toxicity),
    attributes: mergeAttributes(existing.type, existing.attributes, json.attributes),
  };
}
