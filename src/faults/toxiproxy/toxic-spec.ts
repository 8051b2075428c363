// Why: a toxic arrives as loose JSON (create or partial update) and must be checked the way
// toxiproxy-server checks it — type, stream, integer attributes — before it touches a live
// connection. This module is that parser; it holds no state and does no I/O.
import { TOXIC_KINDS, type ToxicKind } from '../../scenario/types.ts';
import { ApiError, badRequest, toxicExists } from './api-error.ts';

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

/** Any JSON number, as toxiproxy-server's float32 (a value above 1 always applies, below 0 never). */
function parseToxicity(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw badRequest('toxicity must be a number');
  return value;
}

/**
 * Known attributes from `raw` over `base`; unknown names are ignored, as the real server does.
 * Like its int64 fields, any whole number is taken (negative ones too: a negative latency or
 * rate acts as none); the stages never let such a value stall or crash a connection.
 */
function mergeAttributes(type: ToxicKind, base: Readonly<Record<string, number>>, raw: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  const given = raw === undefined ? {} : asObject(raw);
  for (const key of TOXIC_ATTRIBUTES[type]) {
    const value = key in given ? given[key] : (base[key] ?? 0);
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      throw badRequest(`attribute ${key} of a ${type} toxic must be a whole number`);
    }
    out[key] = value;
  }
  return out;
}

/** The API's JSON form of a toxic (without internal fields such as its chain position). */
export function toxicJson(spec: ToxicSpec): ToxicSpec {
  const { name, type, stream, toxicity, attributes } = spec;
  return { name, type, stream, toxicity, attributes };
}

/**
 * A new toxic from a POST body; defaults: downstream, toxicity 1, name `<type>_<stream>`.
 * Checked in toxiproxy-server's order (stream, then type), so the same bad body gets the same
 * error from both; `exists` answers 409 for a taken name before the attributes are looked at.
 */
export function parseNewToxic(body: unknown, exists: (name: string) => boolean = () => false): ToxicSpec {
  const json = asObject(body);
  if (json.name !== undefined && typeof json.name !== 'string') throw badRequest('name must be a string');
  if (json.type !== undefined && typeof json.type !== 'string') throw badRequest('type must be a string');
  const toxicity = parseToxicity(json.toxicity, 1);
  const stream = json.stream ?? 'downstream';
  if (stream !== 'upstream' && stream !== 'downstream') {
    throw new ApiError(400, 'stream was invalid, can be either upstream or downstream');
  }
  const type = json.type ?? '';
  const name = json.name || `${type}_${stream}`;
  if (!isToxicKind(type)) throw new ApiError(400, 'invalid toxic type');
  if (exists(name)) throw toxicExists();
  return { name, type, stream, toxicity, attributes: mergeAttributes(type, {}, json.attributes) };
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
