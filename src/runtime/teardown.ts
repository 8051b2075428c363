// Why: whatever a run starts (processes, toxics, nftables tables, cgroups) is registered here
// the moment it exists, and undone in reverse order however the run ends — normally, on an
// error, or on Ctrl-C — so a chaos tool never leaves chaos behind.

export class Teardown {
  private readonly steps: Array<{ label: string; undo: () => Promise<void> }> = [];
  private running: Promise<string[]> | null = null;

  /** Registers an undo step; returns a function that runs (and unregisters) just that step. */
  add(label: string, undo: () => Promise<void>): () => Promise<void> {
    const step = { label, undo };
    this.steps.push(step);
    return async () => {
      const i = this.steps.indexOf(step);
      if (i < 0) return;
      this.steps.splice(i, 1);
      await step.undo();
    };
  }

  /**
   * Runs every step, newest first; collects failures instead of stopping at the first. Calls
   * while a run is in progress (Ctrl-C during the run's own cleanup) share that run, so no
   * step ever runs beside another — a process is never stopped while a step still needs it.
   */
  run(): Promise<string[]> {
    this.running ??= this.drain().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async drain(): Promise<string[]> {
    const failures: string[] = [];
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      try {
        await step.undo();
      } catch (err) {
        failures.push(`${step.label}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return failures;
  }

  get size(): number {
    return this.steps.length;
  }
}
