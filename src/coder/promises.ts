/**
 * Figures the chart promises to its users in docs/ and in schema descriptions. They live here once:
 * tests hold both the rendered manifests and every text that states a figure to this value.
 */

/**
 * With the default readiness probe, a replica that hangs leaves the Service endpoints within this
 * many seconds (periodSeconds × failureThreshold + timeoutSeconds), so the others serve its users.
 */
export const HUNG_REPLICA_OUT_OF_ENDPOINTS_SECONDS = 13;
