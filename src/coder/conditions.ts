/** Value expressions that several constructs share, named for what they mean. */
import { bound, concat, defaultTo, empty, eq, Expr, get, lit, not, or } from '../expr/expr';
import { envValues } from './helpers';
import { chart, valueRef } from '../values/refs';

/** `app.kubernetes.io/name`: the chart name unless `nameOverride` is set (part of the selector). */
export const appName = (): Expr<string> => defaultTo(chart.name, valueRef('nameOverride'));

/** coderd serves TLS itself (port 8443, Service port 443). */
export const tlsEnabled = (): Expr<boolean> => not(empty(valueRef('coder.tls.secretNames')));

export const serviceType = (): Expr<string> => valueRef('coder.service.type');
export const isLoadBalancer = (): Expr<boolean> => bound('loadBalancer', eq(serviceType(), lit('LoadBalancer')));
/** Services of these types allocate node ports. */
export const hasNodePorts = (): Expr => bound('nodePorts', or(eq(serviceType(), lit('NodePort')), isLoadBalancer()));

/** The user's literal env values by name. */
export const userEnvValues = (): Expr<{ [name: string]: string }> => envValues(valueRef('coder.env'));

/**
 * coderd serves metrics: `CODER_PROMETHEUS_ENABLE` is "true" in the user's env (the official
 * chart's condition for port 2112), or coder.metrics.enable sets it. (Truthy, as Go's `or`.)
 */
export const prometheusEnabled = (): Expr =>
  or(eq(get(userEnvValues(), 'CODER_PROMETHEUS_ENABLE'), lit('true')), valueRef('coder.metrics.enable'));

/** The Role granting workspace permissions: `<service account name>-workspace-perms`, as the official chart. */
export const workspaceRoleName = (): Expr<string> =>
  concat(valueRef('coder.serviceAccount.name'), lit('-workspace-perms'));

/** The template variable each section of the container's resources is computed once into. */
const RESOURCE_SECTION_VARIABLE = { limits: 'resourceLimits', requests: 'resourceRequests' } as const;

/**
 * One of the coderd container's requests or limits (`coder.resources.<section>.<resource>`), or
 * empty when it is not set: resources and each section may be null.
 */
export const containerResource = (section: 'limits' | 'requests', resource: 'cpu' | 'memory'): Expr => {
  const orEmptyMap = (map: Expr): Expr => defaultTo(lit({}), map);
  const sectionMap = orEmptyMap(get(orEmptyMap(valueRef('coder.resources')), section));
  return get(bound(RESOURCE_SECTION_VARIABLE[section], sectionMap), resource);
};
