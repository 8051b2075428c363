// Why: the load section becomes the open-loop arrival plan (DESIGN.md decision 1); it is read
// on its own because its measured duration bounds the fault timeline.
import type { Node } from 'yaml';
import { DEFAULT_LOAD } from './defaults.ts';
import { MapReader, readTextMap } from './yaml-reader.ts';
import type { LoadSpec, RequestClass } from './types.ts';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function readLoad(root: MapReader): LoadSpec {
  const ctx = root.ctx;
  const m = root.child('load');
  const present = root.has('load');
  if (!present) ctx.report(m.position, 'load', 'is required', 'add load: {rate: 400, duration: 10s}');
  const rateRule = { above: 0, hint: 'requests per second, a positive number such as 400' };
  const rate = present ? m.requiredNumber('rate', rateRule) : Number.NaN;
  const durationRule = { above: 0, hint: 'how long the measured part lasts, e.g. duration: 10s' };
  const durationMs = present ? m.requiredDuration('duration', durationRule, durationRule.hint) : Number.NaN;
  const arrival = m.oneOf('arrival', ['constant', 'poisson'] as const, DEFAULT_LOAD.arrival);
  const warmupS = m.duration('warmup', {}, DEFAULT_LOAD.warmupS * 1_000) / 1_000;
  // `warmup: 0s` asks for no warmup at all, so it is not extended unless warmupMax says so.
  const defaultMaxMs = warmupS === 0 ? 0 : (warmupS + DEFAULT_LOAD.warmupExtraS) * 1_000;
  const warmupMaxS = m.duration('warmupMax', { hint: 'the longest the warmup may last waiting for the latency to settle, e.g. 10s' }, defaultMaxMs) / 1_000;
  if (warmupMaxS < warmupS) {
    ctx.report(m.node('warmupMax') ?? m.position, m.pathOf('warmupMax'), `is shorter than load.warmup (${warmupS} s)`, 'warmup is the minimum and warmupMax the maximum: make warmupMax at least warmup');
  }
  const warmupRequests = m.number('warmupRequests', { integer: true, min: 0, hint: 'requests every hop must carry before a low-rate warmup may end, e.g. 1000' }, DEFAULT_LOAD.warmupRequests);

  let ramp: LoadSpec['ramp'] = null;
  if (m.has('ramp')) {
    const r = m.child('ramp');
    const fromRate = r.requiredNumber('from', { min: 0, hint: 'the rate the ramp starts at, in requests per second' });
    const overMs = r.requiredDuration('over', { above: 0 }, 'how long the ramp takes, e.g. over: 5s');
    if (overMs > durationMs) {
      ctx.report(r.node('over') ?? r.position, r.pathOf('over'), 'is longer than load.duration', 'the ramp happens inside the measured part; shorten it or lengthen load.duration');
    }
    ramp = { fromRate, overS: overMs / 1_000 };
  }

  const peak = Math.max(rate, ramp?.fromRate ?? 0);
  const maxInFlight = m.number(
    'maxInFlight',
    { integer: true, min: 1, hint: 'the most requests in flight at once; arrivals beyond it are counted as dropped' },
    Math.max(DEFAULT_LOAD.minMaxInFlight, Number.isFinite(peak) ? Math.ceil(peak) : 0),
  );
  const timeoutMs = m.duration('timeout', { above: 0, hint: 'the client timeout, e.g. 10s' }, DEFAULT_LOAD.timeoutMs);
  const method = m.oneOf('method', METHODS, DEFAULT_LOAD.method);
  const path = m.string('path', DEFAULT_LOAD.path, 'the request path, e.g. /users/42');
  if (!path.startsWith('/')) ctx.report(m.node('path') ?? m.position, m.pathOf('path'), `"${path}" does not start with /`, 'write the path part of the URL, e.g. /users/42');

  const generators = m.number('generators', { integer: true, min: 1, max: 64, hint: 'how many load-generator pods share the rate, e.g. 2' }, DEFAULT_LOAD.generators);
  return { rate, arrival, warmupS, warmupMaxS, warmupRequests, durationS: durationMs / 1_000, ramp, maxInFlight, timeoutMs, method, path, classes: readClasses(m), generators };
}

function readClasses(m: MapReader): RequestClass[] {
  const ctx = m.ctx;
  const node = m.node('classes');
  const items = m.list('classes');
  if (node === undefined) return [{ name: 'default', weight: 1, headers: {} }];
  if (items.length === 0) ctx.report(node, m.pathOf('classes'), 'is an empty list', 'list at least one class, or remove classes for a single default class');
  const names = new Set<string>();
  return items.map((item) => {
    const c = new MapReader(ctx, item.node, item.path, 'load.classes[]', item.node);
    const name = c.requiredString('name', 'name the class, e.g. name: sensitive');
    if (name !== '' && names.has(name)) ctx.report(c.node('name') ?? c.position, c.pathOf('name'), `duplicate class name "${name}"`, 'give every class its own name');
    names.add(name);
    const weight = c.number('weight', { above: 0, hint: 'a relative weight, e.g. 80 and 20 for an 80/20 mix' }, 1);
    const headersNode = c.node('headers');
    const written = headersNode === undefined ? {} : (readTextMap(ctx, headersNode, c.pathOf('headers'), checkHeaderName(m)) ?? {});
    const headers = Object.fromEntries(Object.entries(written).map(([k, v]) => [k.toLowerCase(), v]));
    return { name, weight, headers };
  });
}

/** Header names must be HTTP tokens; they are stored lower-case, as Node delivers them. */
export function checkHeaderName(m: MapReader): (key: string, keyNode: Node, keyPath: string) => void {
  return (key, keyNode, keyPath) => {
    if (!HEADER_NAME.test(key)) m.ctx.report(keyNode, keyPath, `"${key}" is not a valid header name`, 'use letters, digits and "-", e.g. x-data-class');
  };
}
