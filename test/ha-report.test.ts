/** The worst-case figures: the model on crafted manifests, and the committed table is current. */
import { readFileSync } from 'node:fs';
import { figures } from '../tools/ha/analysis';
import { HA_DOC, reportTable, withReport } from '../tools/ha/report';

type Obj = Record<string, unknown>;
const labels = { app: 'coder' };
const deployment = (replicas: number, podSpec: Obj = {}, strategy?: Obj): never =>
  ({
    kind: 'Deployment',
    spec: {
      replicas,
      ...(strategy ? { strategy } : {}),
      template: { metadata: { labels }, spec: { containers: [{ name: 'coder', readinessProbe: {} }], ...podSpec } },
    },
  }) as never;
const spread = (topologyKey: string) => ({
  topologySpreadConstraints: [
    { maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: labels } },
  ],
});

test('without a spreading rule the worst case loses every replica', () => {
  expect(figures(deployment(3), [])).toMatchObject({ nodeFailureLoss: 3, zoneFailureLoss: 3, readyDuringDrain: 0 });
});

test('a rule that matches other pods does not spread these', () => {
  const other = {
    topologySpreadConstraints: [
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'x' } } },
    ],
  };
  expect(figures(deployment(3, other), []).nodeFailureLoss).toBe(3);
});

test('spreading over nodes and zones bounds the loss', () => {
  const both = {
    topologySpreadConstraints: [
      ...spread('kubernetes.io/hostname').topologySpreadConstraints,
      ...spread('topology.kubernetes.io/zone').topologySpreadConstraints,
    ],
  };
  expect(figures(deployment(5, both), [])).toMatchObject({
    nodeFailureLoss: 1,
    zoneFailureLoss: 2,
    readyDuringDrain: 4,
  });
});

test('readiness: Kubernetes defaults fill what the probe leaves out', () => {
  expect(figures(deployment(1), []).endpointRemovalSeconds).toBe(31);
  const noProbe = deployment(1, { containers: [{ name: 'coder' }] });
  expect(figures(noProbe, []).endpointRemovalSeconds).toBeNull();
});

test('rollouts: 25% default rounds down, Recreate keeps none, surge-only keeps all', () => {
  expect(figures(deployment(5), []).readyDuringRollout).toBe(4);
  expect(figures(deployment(3, {}, { type: 'Recreate' }), []).readyDuringRollout).toBe(0);
  expect(
    figures(deployment(3, {}, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }), [])
      .readyDuringRollout,
  ).toBe(3);
  expect(
    figures(deployment(2, {}, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } }), [])
      .readyDuringRollout,
  ).toBe(1);
});

test('a PodDisruptionBudget bounds what a drain takes at once', () => {
  const budget = {
    kind: 'PodDisruptionBudget',
    spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
  } as never;
  expect(figures(deployment(3), [budget]).readyDuringDrain).toBe(2);
});

test('docs/high-availability.md carries the current table (run `npm run ha-report`)', () => {
  const doc = readFileSync(HA_DOC, 'utf8');
  expect(withReport(doc, reportTable())).toBe(doc);
});
