// Why: a service can only be started once the services it calls are listening (their addresses
// go into its configuration), so every backend brings a topology up callees first.

/** Topological order of services such that every callee comes before its callers. */
export function calleesFirst<T extends { name: string; calls: Array<{ service: string }> }>(services: T[]): T[] {
  const byName = new Map(services.map((s) => [s.name, s]));
  const done = new Set<string>();
  const order: T[] = [];
  const visit = (s: T, path: string[]) => {
    if (done.has(s.name)) return;
    if (path.includes(s.name)) throw new Error(`call cycle: ${[...path, s.name].join(' -> ')}`);
    for (const call of s.calls) {
      const callee = byName.get(call.service);
      if (callee) visit(callee, [...path, s.name]);
    }
    done.add(s.name);
    order.push(s);
  };
  for (const s of services) visit(s, []);
  return order;
}
