// Why: a request's work is aborted for two different reasons that layers must tell apart: its
// deadline passed (the endpoint was too slow) or its client went away (nobody's fault).
export const DEADLINE_PASSED = 'deadline-passed';
export const CLIENT_GONE = 'client-gone';
