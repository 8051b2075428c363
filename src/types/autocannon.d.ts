// Why: autocannon ships no type declarations; these cover the part of its API meshbench uses
// (the closed-loop saturation probe of `meshbench capacity`), as documented in its README.
declare module 'autocannon' {
  interface AutocannonOptions {
    url: string | string[];
    connections?: number;
    /** Seconds. */
    duration?: number;
    /** Seconds to wait for a response before counting a timeout. */
    timeout?: number;
    method?: string;
    headers?: Record<string, string>;
    pipelining?: number;
  }
  interface Histogram {
    average: number;
    p50: number;
    p99: number;
    max: number;
  }
  interface AutocannonResult {
    /** Seconds the run took. */
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
    latency: Histogram;
    requests: Histogram & { sent: number };
  }
  interface Instance extends PromiseLike<AutocannonResult> {
    stop(): void;
    /** Every response, as it arrives. */
    on(event: 'response', listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void): this;
  }
  function autocannon(opts: AutocannonOptions): Instance;
  export default autocannon;
}
