// Why: there is no Docker engine and no registry here, yet a kubelet runs only images. An image
// is just a layer tarball plus a config in a docker-archive (`docker save` format), which
// `ctr images import` accepts; this module assembles the meshbench image (node, the bundled
// entries, nft and nsenter for the chaos agent) and the pod sandbox image from files on this
// machine, cached by content so a warm `cluster up` reuses them.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mustRun } from '../../faults/run-command.ts';

export interface ImageSpec {
  /** docker reference, e.g. "meshbench:dev". */
  ref: string;
  /** Files to place in the image: image path → host path. */
  files: Record<string, string>;
  /** Text files to create: image path → content. */
  texts: Record<string, string>;
  /** Directories to create, with their mode (e.g. /tmp 1777). */
  dirs: Record<string, number>;
  entrypoint: string[];
  cmd: string[];
  user: string;
  workingDir: string;
  env: string[];
}

/** Shared libraries a dynamically linked binary loads, from `ldd` output (pure). */
export function parseLdd(output: string): string[] {
  const libs: string[] = [];
  for (const line of output.split('\n')) {
    const arrow = /=>\s+(\/\S+)/.exec(line);
    const bare = /^\s*(\/\S+)\s+\(/.exec(line);
    const p = arrow?.[1] ?? bare?.[1];
    if (p) libs.push(p);
  }
  return libs;
}

/** A host binary and every library it needs, at the same paths in the image. */
export function binaryWithLibraries(binary: string): Record<string, string> {
  const files: Record<string, string> = { [binary]: binary };
  let ldd = '';
  try {
    ldd = execFileSync('ldd', [binary], { encoding: 'utf8' });
  } catch {
    return files; // statically linked
  }
  for (const lib of parseLdd(ldd)) files[lib] = lib;
  return files;
}

export function which(command: string): string {
  for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':').concat(['/usr/sbin', '/sbin'])) {
    const p = path.join(dir, command);
    if (existsSync(p)) return p;
  }
  throw new Error(`${command} not found on PATH`);
}

export function meshbenchImageSpec(distDir: string): ImageSpec {
  const files: Record<string, string> = {};
  for (const bin of [process.execPath, which('nft'), which('nsenter')]) Object.assign(files, binaryWithLibraries(bin));
  files['/usr/bin/node'] = process.execPath;
  for (const f of readdirSync(distDir).filter((f) => f.endsWith('.mjs'))) files[`/app/dist/${f}`] = path.join(distDir, f);
  return {
    ref: 'meshbench:dev',
    files,
    texts: {
      '/app/package.json': '{"type":"module"}\n',
      '/etc/passwd': 'root:x:0:0:root:/root:/bin/false\nmeshbench:x:1000:1000:meshbench:/tmp:/bin/false\n',
      '/etc/group': 'root:x:0:\nmeshbench:x:1000:\n',
    },
    dirs: { '/tmp': 0o1777 },
    entrypoint: ['/usr/bin/node'],
    cmd: ['/app/dist/service.mjs'],
    user: '1000:1000',
    workingDir: '/app',
    env: ['PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'NODE_ENV=production'],
  };
}

export function pauseImageSpec(pauseBinary: string, ref: string): ImageSpec {
  return { ref, files: { '/pause': pauseBinary }, texts: {}, dirs: {}, entrypoint: ['/pause'], cmd: [], user: '65535:65535', workingDir: '/', env: [] };
}

/** Content key of an image: every file's bytes, the texts and the config. */
function imageKey(spec: ImageSpec): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ ...spec, files: Object.keys(spec.files).sort() }));
  for (const p of Object.keys(spec.files).sort()) h.update(readFileSync(spec.files[p]!));
  return h.digest('hex').slice(0, 16);
}

const sha256File = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Builds (or finds in the cache) the docker-archive tarball of `spec`; returns its path. */
export async function assembleImage(spec: ImageSpec, cacheDir: string): Promise<string> {
  const out = path.join(cacheDir, `${spec.ref.replace(/[/:]/g, '_')}-${imageKey(spec)}.tar`);
  if (existsSync(out)) return out;
  const work = path.join(os.tmpdir(), `meshbench-image-${process.pid}-${Date.now()}`);
  const rootfs = path.join(work, 'rootfs');
  try {
    mkdirSync(rootfs, { recursive: true });
    for (const [dir, mode] of Object.entries(spec.dirs)) {
      mkdirSync(path.join(rootfs, dir), { recursive: true });
      chmodSync(path.join(rootfs, dir), mode);
    }
    for (const [imagePath, hostPath] of Object.entries(spec.files)) {
      const target = path.join(rootfs, imagePath);
      mkdirSync(path.dirname(target), { recursive: true });
      copyFileSync(hostPath, target);
      chmodSync(target, statSync(hostPath).mode & 0o7777);
    }
    for (const [imagePath, text] of Object.entries(spec.texts)) {
      mkdirSync(path.dirname(path.join(rootfs, imagePath)), { recursive: true });
      writeFileSync(path.join(rootfs, imagePath), text);
    }
    const layer = path.join(work, 'layer.tar');
    await mustRun('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '-C', rootfs, '-cf', layer, '.'], undefined, 120_000);
    const config = {
      architecture: 'amd64',
      os: 'linux',
      config: { Entrypoint: spec.entrypoint, Cmd: spec.cmd, User: spec.user, WorkingDir: spec.workingDir, Env: spec.env },
      rootfs: { type: 'layers', diff_ids: [`sha256:${sha256File(layer)}`] },
      history: [{ created_by: 'meshbench cluster/local image assembly' }],
    };
    writeFileSync(path.join(work, 'config.json'), JSON.stringify(config));
    writeFileSync(path.join(work, 'manifest.json'), JSON.stringify([{ Config: 'config.json', RepoTags: [spec.ref], Layers: ['layer.tar'] }]));
    mkdirSync(cacheDir, { recursive: true });
    await mustRun('tar', ['--owner=0', '--group=0', '--numeric-owner', '-C', work, '-cf', `${out}.tmp`, 'manifest.json', 'config.json', 'layer.tar'], undefined, 120_000);
    renameSync(`${out}.tmp`, out);
    return out;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
