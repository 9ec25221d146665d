/** The cdk8s library API: CoderChart inside a user's own cdk8s app. */
import { App, ApiObject, Chart } from 'cdk8s';
import { CoderChart, InvalidValuesError, renderManifests, Values } from '../src/index';
import { GoValue, isMap } from '../src/expr/go-semantics';

/** cdk8s leaves out null fields; Kubernetes reads null as unset. */
function withoutNulls(value: GoValue): GoValue {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (isMap(value)) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => [k, withoutNulls(v)]),
    );
  }
  return value;
}

const values: Values = {
  coder: {
    replicaCount: 3,
    env: [{ name: 'CODER_PG_CONNECTION_URL', valueFrom: { secretKeyRef: { name: 'coder-db', key: 'url' } } }],
    tls: { secretNames: ['coder-tls'] },
  },
};

test('a user-style app: CoderChart beside another chart gives the concrete render’s objects', () => {
  const app = new App();
  const platform = new Chart(app, 'platform');
  new ApiObject(platform, 'namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'coder' } });
  const coder = new CoderChart(app, 'coder', { values, namespace: 'coder', releaseName: 'coder' });
  const rendered = renderManifests([values as never], { releaseName: 'coder', namespace: 'coder', managedBy: 'cdk8s' });
  const isHook = (m: GoValue) => JSON.stringify(m).includes('"helm.sh/hook"');
  const expected = rendered.filter((m) => !isHook(m));
  expect(coder.toJson()).toEqual(expected.map((m) => withoutNulls(m)));
  // The helm test Pod is a hook: applied with the rest it would run at deploy time. It is offered apart.
  expect(
    coder.helmTestObjects.map((m) => `${String(m.kind)}/${String((m.metadata as { name: string }).name)}`),
  ).toEqual(['Pod/coder-test-mesh']);
  expect(rendered.filter(isHook)).toEqual(coder.helmTestObjects);
  expect(app.synthYaml()).not.toContain('helm.sh/hook');
  // cdk8s users apply these with their own tooling: the objects do not claim Helm manages them.
  expect(JSON.stringify(coder.toJson())).toContain('"app.kubernetes.io/managed-by":"cdk8s"');
  expect(JSON.stringify(coder.toJson())).not.toContain('"app.kubernetes.io/managed-by":"Helm"');
  expect(platform.toJson()).toEqual([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'coder' } }]);
  expect(coder.objects.map((o) => o.kind)).toContain('PodDisruptionBudget');
  const yaml = app.synthYaml();
  expect(yaml).toContain('kind: Namespace');
  expect(yaml).toContain('CODER_DERP_SERVER_RELAY_URL');
});

test('invalid values are refused on construction, with the CLI’s problems', () => {
  const app = new App();
  let error: unknown;
  try {
    new CoderChart(app, 'coder', { values: { coder: { replicaCount: -1, image: { pullPolicy: 'always' as never } } } });
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(InvalidValuesError);
  expect((error as InvalidValuesError).problems.map((p) => `${p.path}: ${p.message}`)).toEqual(
    expect.arrayContaining([
      'coder.replicaCount: expected >= 0, got number -1',
      'coder.image.pullPolicy: expected one of "Always", "IfNotPresent", "Never", got string "always"',
    ]),
  );
});

test('the HA guards apply to the library too', () => {
  expect(() => new CoderChart(new App(), 'coder', { values: { coder: { replicaCount: 2 } } })).toThrow(
    'coder.replicaCount is above 1, but no external Postgres is configured',
  );
});

test('maps type-check through the typed values: annotations, labels and nodeSelector', () => {
  // Before, every map of the schema (patternProperties) was typed Record<string, never>, so
  // this did not compile (`npm run lint` type-checks the tests; Jest does not).
  // @ts-expect-error a label value is a string, as the schema says
  const numberLabel: Values = { coder: { podLabels: { team: 1 } } };
  expect(numberLabel).toBeDefined();
  const withMaps: Values = {
    coder: {
      serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/coder' } },
      podLabels: { team: 'platform' },
      nodeSelector: { 'kubernetes.io/os': 'linux' },
    },
  };
  const app = new App();
  const objects = new CoderChart(app, 'coder', { values: withMaps, releaseName: 'coder' }).toJson();
  const account = objects.find((o) => o.kind === 'ServiceAccount') as { metadata: { annotations: object } };
  expect(account.metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/coder' });
  const deployment = objects.find((o) => o.kind === 'Deployment') as {
    spec: { template: { metadata: { labels: object }; spec: { nodeSelector: object } } };
  };
  expect(deployment.spec.template.spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
  expect(deployment.spec.template.metadata.labels).toMatchObject({ team: 'platform' });
});
