/**
 * Values with one key left out: what a user's `key: null` does under `--skip-schema-validation`
 * (Helm deletes a defaulted key set to null). Templates must then behave alike in Helm and in
 * the concrete back-end, and a value computed once at a template's top must not fail where its
 * file would not.
 */
import { GoMap, isMap } from '../../src/expr/go-semantics';
import { ValueMap } from '../../src/render';

/** Bases to leave keys out of: the defaults, the optional objects off, and the features that read the most keys on. */
export const KEY_REMOVAL_BASES: Record<string, ValueMap> = {
  defaults: {},
  'optional objects off': {
    coder: {
      service: { enable: false },
      serviceAccount: { workspacePerms: false },
      readinessProbe: { enabled: false },
      livenessProbe: { enabled: false },
    },
  },
  'features on': {
    coder: {
      env: [
        { name: 'CODER_PG_CONNECTION_URL', valueFrom: { secretKeyRef: { name: 'db', key: 'url' } } },
        { name: 'CODER_DERP_SERVER_RELAY_URL', value: 'http://$(KUBE_POD_IP):8080' },
      ],
      replicaCount: 3,
      tls: { secretNames: ['tls'] },
      ingress: { enable: true, host: 'coder.example.com', wildcardHost: '*.apps.example.com' },
      service: { type: 'LoadBalancer' },
      autoscaling: { enable: true, minReplicas: 2, maxReplicas: 4 },
      metrics: { enable: true },
    },
  },
};

/** Every key path of a values map, maps included (lists are leaves). */
export function keyPaths(map: GoMap, prefix: string[] = []): string[][] {
  return Object.entries(map).flatMap(([key, value]) => {
    const path = [...prefix, key];
    return isMap(value) ? [path, ...keyPaths(value, path)] : [path];
  });
}

/** The key paths of the settings themselves, not of the maps that hold them. */
export function settingPaths(map: GoMap): string[][] {
  return Object.entries(map).flatMap(([key, value]) =>
    isMap(value) ? settingPaths(value).map((path) => [key, ...path]) : [[key]],
  );
}

/** A copy of `values` without the key at `path`. */
export function without(values: ValueMap, path: readonly string[]): ValueMap {
  const copy = structuredClone(values);
  let map: GoMap = copy;
  for (const key of path.slice(0, -1)) map = map[key] as GoMap;
  delete map[path[path.length - 1]];
  return copy;
}

/** Whether `values` has a key at `path`. */
export function hasPath(values: GoMap, path: readonly string[]): boolean {
  let value: unknown = values;
  for (const key of path) {
    if (!isMap(value) || !(key in value)) return false;
    value = value[key];
  }
  return true;
}

/**
 * The values file that makes Helm leave out the key at `path` from `user` over the chart's
 * `defaults`: null where the chart has a default (Helm deletes it), and otherwise the user's own
 * key removed (a null Helm does not default stays as a key, which `hasKey` would see).
 */
export function userLayerWithout(user: ValueMap, defaults: GoMap, path: readonly string[]): ValueMap {
  if (!hasPath(defaults, path)) return hasPath(user, path) ? without(user, path) : user;
  const copy = structuredClone(user);
  let map: GoMap = copy;
  for (const key of path.slice(0, -1)) {
    if (!isMap(map[key])) map[key] = {};
    map = map[key] as GoMap;
  }
  map[path[path.length - 1]] = null;
  return copy;
}
