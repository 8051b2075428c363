// Why: a child must not outlive its runner, even a SIGKILLed one. The IPC channel closes when the
// parent dies however it dies, so children exit on 'disconnect'. Kept apart from child.ts, which
// starts children (and builds them), so a child's bundle carries none of that.

/** For child entry files: exit when the parent's IPC channel closes (parent gone, even SIGKILL). */
export function exitWithParent(cleanup?: () => void): void {
  process.on('disconnect', () => {
    cleanup?.();
    process.exit(0);
  });
}
