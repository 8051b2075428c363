import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostOf, inSubset, matchRoute } from '../../proxy/src/route/route-match.ts';
import type { RouteSpec } from '../../src/scenario/types.ts';

const sensitive: RouteSpec = { name: 'sensitive-norway', match: { header: 'X-Data-Class', value: 'sensitive' }, subset: { zone: 'no' }, failClosed: true };
const anyTrace: RouteSpec = { name: 'traced', match: { header: 'x-trace', value: null }, subset: {}, failClosed: false };

test('a route matches its header (case-insensitive name) and value', () => {
  assert.equal(matchRoute([sensitive], { 'x-data-class': 'sensitive' }), sensitive);
  assert.equal(matchRoute([sensitive], { 'x-data-class': 'public' }), null);
  assert.equal(matchRoute([sensitive], {}), null);
});

test('a route without a value matches on presence; the first matching route wins', () => {
  assert.equal(matchRoute([anyTrace, sensitive], { 'x-trace': '1', 'x-data-class': 'sensitive' }), anyTrace);
  assert.equal(matchRoute([sensitive, anyTrace], { 'x-trace': '1', 'x-data-class': 'sensitive' }), sensitive);
});

test('subset selection requires every label', () => {
  assert.equal(inSubset({ zone: 'no', tier: 'a' }, { zone: 'no' }), true);
  assert.equal(inSubset({ zone: 'de' }, { zone: 'no' }), false);
  assert.equal(inSubset({}, { zone: 'no' }), false);
  assert.equal(inSubset({}, {}), true);
});

test('the destination is the Host header without its port', () => {
  assert.equal(hostOf({ host: 'User-Service:4140' }), 'user-service');
  assert.equal(hostOf({ host: 'user-service' }), 'user-service');
  assert.equal(hostOf({ host: '[::1]:4140' }), '[::1]');
  assert.equal(hostOf({}), '');
});
