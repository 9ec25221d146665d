/**
 * Object names, ports and paths shared with the official chart. They are part of the upgrade
 * contract: a release made with the official chart upgrades to this one only while these stay.
 */

/** Name of the Deployment and the Service (fixed, as in the official chart). */
export const CODER_NAME = 'coder';
export const CONTAINER_NAME = 'coder';
export const HTTP_PORT = 8080;
export const HTTP_PORT_NAME = 'http';
export const HTTPS_PORT = 8443;
export const HTTPS_PORT_NAME = 'https';
export const SERVICE_HTTP_PORT = 80;
export const SERVICE_HTTPS_PORT = 443;
export const PROMETHEUS_PORT = 2112;
export const PROMETHEUS_PORT_NAME = 'prometheus-http';
export const PPROF_PORT = 6060;
/** Where each `coder.tls.secretNames` Secret is mounted (one folder per Secret). */
export const TLS_MOUNT_ROOT = '/etc/ssl/certs/coder';
/** Where each `coder.certs.secrets` CA certificate is mounted (`<name>.crt`). */
export const CA_CERT_ROOT = '/etc/ssl/certs';
