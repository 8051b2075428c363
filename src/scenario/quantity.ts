// Why: the proxy's resources are written as Kubernetes quantities ("200m", "256Mi"). A typo,
// or requests above limits, would only be refused by the API server minutes into a run, so the
// scenario checks them when it is read.

/** CPU in millicores: "200m" → 200, "0.5" → 500, "2" → 2000; null when not a CPU quantity. */
export function cpuMillicores(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(text);
  if (!m) return null;
  return m[2] === 'm' ? Number(m[1]) : Number(m[1]) * 1000;
}

const MEMORY_UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** Memory in bytes: "256Mi" → 268435456, "1G" → 1e9; null when not a memory quantity. */
export function memoryBytes(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(text);
  return m ? Number(m[1]) * MEMORY_UNITS[m[2] ?? '']! : null;
}
