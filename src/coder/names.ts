/**
 * Object names and ports shared by the official chart. They are part of the upgrade contract:
 * a release made with the official chart upgrades to this one only while these stay the same.
 */

/** Name of the Deployment, the Service and the default ServiceAccount. */
export const CODER_NAME = 'coder';
export const CONTAINER_NAME = 'coder';
export const HTTP_PORT = 8080;
export const HTTP_PORT_NAME = 'http';
export const SERVICE_HTTP_PORT = 80;
export const PROMETHEUS_PORT = 2112;
export const PPROF_PORT = 6060;
