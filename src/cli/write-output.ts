// Why: CI job summaries are one file many steps write to ($GITHUB_STEP_SUMMARY): overwriting it
// would erase what earlier steps wrote. Markdown is appended when asked, or whenever the target is
// that file; everything else is (re)written whole, with its folder created.
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** True when Markdown for `file` should be appended rather than replace the file. */
function appendsTo(file: string, append: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  const summary = env.GITHUB_STEP_SUMMARY;
  return append || (summary !== undefined && summary !== '' && path.resolve(summary) === path.resolve(file));
}

export async function writeOutput(file: string, text: string, opts: { append?: boolean } = {}): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  if (appendsTo(file, opts.append ?? false)) await appendFile(file, text.endsWith('\n') ? `\n${text}` : `\n${text}\n`);
  else await writeFile(file, text);
}
