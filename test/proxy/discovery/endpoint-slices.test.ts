// EndpointSlices + Nodes → endpoint sets, as data: what the proxy will route to in a cluster,
// and with which zone (the label policy routes select on).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Endpoint, V1EndpointSlice, V1Node } from '@kubernetes/client-node';
import { endpointsFromSlices } from '../../../proxy/src/discovery/endpoint-slices.ts';

const SELECT = { services: ['user-service', 'frontend'], portName: 'http' };

function slice(service: string, endpoints: V1Endpoint[], extra: Partial<V1EndpointSlice> = {}): V1EndpointSlice {
  return {
    metadata: { name: `${service}-${Math.random().toString(36).slice(2, 7)}`, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints,
    ...extra,
  };
}

function node(name: string, zone?: string): V1Node {
  return { metadata: { name, labels: zone ? { 'topology.kubernetes.io/zone': zone } : {} } };
}

test('ready endpoints of the selected services, zone from the slice else from the node', () => {
  const sets = endpointsFromSlices(
    [
      slice('user-service', [
        { addresses: ['10.0.1.5'], nodeName: 'worker-no', conditions: { ready: true } },
        { addresses: ['10.0.2.7'], nodeName: 'worker-de', zone: 'de' },
        { addresses: ['10.0.2.8'], nodeName: 'worker-de', conditions: { ready: false, serving: true, terminating: true } },
        { addresses: ['10.0.3.1'], nodeName: 'unlabelled' },
      ]),
      slice('audit', [{ addresses: ['10.0.9.9'] }]),
    ],
    [node('worker-no', 'no'), node('worker-de', 'elsewhere'), node('unlabelled')],
    SELECT,
  );
  assert.deepEqual([...sets.keys()].sort(), ['frontend', 'user-service'], 'every selected service, nothing else');
  assert.deepEqual(sets.get('frontend'), []);
  assert.deepEqual(sets.get('user-service'), [
    { address: '10.0.1.5:8080', labels: { zone: 'no' } },
    { address: '10.0.2.7:8080', labels: { zone: 'de' } },
    { address: '10.0.3.1:8080', labels: {} },
  ]);
});

test('ports: the named Service port, or the only unnamed one; a slice without it is skipped', () => {
  const sets = endpointsFromSlices(
    [
      slice('frontend', [{ addresses: ['10.0.0.1'] }], { ports: [{ name: 'admin', port: 9991 }, { name: 'http', port: 8080 }] }),
      slice('frontend', [{ addresses: ['10.0.0.2'] }], { ports: [{ port: 80 }] }),
      slice('frontend', [{ addresses: ['10.0.0.3'] }], { ports: [{ name: 'admin', port: 9991 }] }),
      slice('frontend', [{ addresses: ['10.0.0.4'] }], { ports: [] }),
    ],
    [],
    SELECT,
  );
  assert.deepEqual(sets.get('frontend')!.map((e) => e.address), ['10.0.0.1:8080', '10.0.0.2:80']);
});

test('an endpoint in two slices (a slice being replaced) counts once; IPv6 is bracketed, FQDN slices ignored', () => {
  const sets = endpointsFromSlices(
    [
      slice('frontend', [{ addresses: ['10.0.0.2'] }, { addresses: ['10.0.0.1'] }]),
      slice('frontend', [{ addresses: ['10.0.0.1'] }]),
      slice('frontend', [{ addresses: ['fd00::5'] }], { addressType: 'IPv6' }),
      slice('frontend', [{ addresses: ['db.example.com'] }], { addressType: 'FQDN' }),
    ],
    [],
    SELECT,
  );
  assert.deepEqual(sets.get('frontend')!.map((e) => e.address), ['10.0.0.1:8080', '10.0.0.2:8080', '[fd00::5]:8080']);
});
