// Why: the runner drives every fault mechanism (toxics, nftables, cgroups, signals, DB lock)
// through one shape, so its timeline code does not care how a fault is injected, and the
// result can say which mechanism actually ran.

export interface ActiveFault {
  /** What really ran, e.g. "nftables numgen drop 5% on tcp/41231 (table meshbench-ab12)". */
  readonly mechanism: string;
  /** Removes the fault and everything it created; safe to call twice. */
  stop(): Promise<void>;
}
