// Why: a real API server only trusts what a real CA signed. The cluster gets its own CA, a
// serving certificate valid for every address pods and the host use to reach the API server,
// one client certificate per component (its identity is the certificate's CN/O, which the
// API server's RBAC and Node authorizers know) and the service-account signing key. The list
// of identities is pure data; openssl does the cryptography.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { mustRun } from '../../faults/run-command.ts';
import type { LocalLayout } from './layout.ts';

export interface CertSpec {
  /** File stem: <name>.crt and <name>.key in the PKI directory. */
  name: string;
  commonName: string;
  organization?: string;
  /** Subject alternative names for a serving certificate ("IP:…", "DNS:…"). */
  altNames?: string[];
  usage: 'server' | 'client';
}

export function certSpecs(layout: LocalLayout): CertSpec[] {
  return [
    {
      name: 'apiserver',
      commonName: 'kube-apiserver',
      usage: 'server',
      altNames: [
        `IP:${layout.bridgeIp}`,
        `IP:${layout.kubernetesServiceIp}`,
        'IP:127.0.0.1',
        'DNS:localhost',
        'DNS:kubernetes',
        'DNS:kubernetes.default',
        'DNS:kubernetes.default.svc',
        'DNS:kubernetes.default.svc.cluster.local',
      ],
    },
    { name: 'admin', commonName: 'meshbench-admin', organization: 'system:masters', usage: 'client' },
    { name: 'apiserver-kubelet-client', commonName: 'kube-apiserver-kubelet-client', organization: 'system:masters', usage: 'client' },
    { name: 'controller-manager', commonName: 'system:kube-controller-manager', usage: 'client' },
    { name: 'scheduler', commonName: 'system:kube-scheduler', usage: 'client' },
    { name: 'kube-proxy', commonName: 'system:kube-proxy', usage: 'client' },
    ...layout.nodes.map((n): CertSpec => ({ name: `kubelet-${n.zone}`, commonName: `system:node:${n.name}`, organization: 'system:nodes', usage: 'client' })),
  ];
}

export function certPath(layout: LocalLayout, name: string, ext: 'crt' | 'key'): string {
  return path.join(layout.pkiDir, `${name}.${ext}`);
}

function subject(spec: CertSpec): string {
  return `/CN=${spec.commonName}${spec.organization ? `/O=${spec.organization}` : ''}`;
}

function extensions(spec: CertSpec): string {
  const lines = [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    `extendedKeyUsage=${spec.usage === 'server' ? 'serverAuth' : 'clientAuth'}`,
  ];
  if (spec.altNames?.length) lines.push(`subjectAltName=${spec.altNames.join(',')}`);
  return `${lines.join('\n')}\n`;
}

/** Creates whatever of the PKI is missing; an existing CA is kept so kubeconfigs stay valid. */
export async function ensurePki(layout: LocalLayout): Promise<void> {
  const dir = layout.pkiDir;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const ca = { crt: certPath(layout, 'ca', 'crt'), key: certPath(layout, 'ca', 'key') };
  if (!existsSync(ca.crt)) {
    await mustRun('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', ca.key, '-out', ca.crt, '-days', '3650', '-subj', '/CN=meshbench-local-ca',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature']);
  }
  for (const spec of certSpecs(layout)) {
    const crt = certPath(layout, spec.name, 'crt');
    if (existsSync(crt)) continue;
    const key = certPath(layout, spec.name, 'key');
    const csr = path.join(dir, `${spec.name}.csr`);
    const ext = path.join(dir, `${spec.name}.ext`);
    await writeFile(ext, extensions(spec));
    await mustRun('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', subject(spec)]);
    await mustRun('openssl', ['x509', '-req', '-in', csr, '-CA', ca.crt, '-CAkey', ca.key, '-CAcreateserial', '-out', crt, '-days', '3650', '-extfile', ext]);
  }
  const saKey = certPath(layout, 'service-account', 'key');
  if (!existsSync(saKey)) {
    await mustRun('openssl', ['genrsa', '-out', saKey, '2048']);
    await mustRun('openssl', ['rsa', '-in', saKey, '-pubout', '-out', path.join(dir, 'service-account.pub')]);
  }
}
