// Why: packet loss and partitions live in nftables tables of the run's own, so removing a
// fault is deleting one table — never editing a rule set the host (or Docker) owns.
import { mustRun, runCommand } from './run-command.ts';

export interface NftTable {
  family: string;
  name: string;
}

/** Loads a complete nft script atomically (`nft -f -`): all of it applies or none does. */
export async function applyNftScript(script: string): Promise<void> {
  await mustRun('nft', ['-f', '-'], script);
}

export async function listNftTables(): Promise<NftTable[]> {
  const out = await mustRun('nft', ['-j', 'list', 'tables']);
  const parsed = JSON.parse(out) as { nftables: Array<{ table?: NftTable }> };
  return parsed.nftables.flatMap((e) => (e.table ? [{ family: e.table.family, name: e.table.name }] : []));
}

/** Deletes a table; true when it existed. */
export async function deleteNftTable(table: NftTable): Promise<boolean> {
  const r = await runCommand('nft', ['delete', 'table', table.family, table.name]);
  if (r.code === 0) return true;
  if (/No such file or directory/.test(r.stderr)) return false;
  throw new Error(`nft delete table ${table.family} ${table.name} failed: ${r.stderr.trim()}`);
}
