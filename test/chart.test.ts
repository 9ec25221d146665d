/**
 * The built chart under real Helm: snapshots per fixture and namespace, Helm 3 = Helm 4,
 * concrete render = helm template, and direct assertions on the HA spine.
 */
import { HelmResult } from '../tools/helm/helm';
import { HELM_MAJORS } from '../tools/helm/tools';
import { renderManifests } from '../src/render';
import { helmTemplate } from './support/helm-chart';
import { loadFixtures, NAMESPACES } from './support/fixtures';
import { byKey, coderContainer, envNames, findObject, Obj, objectKey, parseManifests } from './support/manifests';

const fixtures = loadFixtures();
const runs = new Map<string, HelmResult>();
const key = (fixture: string, namespace: string, major: number): string => `${fixture}/${namespace}/helm${major}`;

beforeAll(async () => {
  const jobs = fixtures.flatMap((fixture) =>
    NAMESPACES.flatMap((namespace) =>
      HELM_MAJORS.map(async (major) => {
        const run = await helmTemplate(major, { release: 'coder', namespace, valuesTexts: [fixture.text] });
        runs.set(key(fixture.name, namespace, major), run);
      }),
    ),
  );
  await Promise.all(jobs);
});

const cases = fixtures.flatMap((fixture) => NAMESPACES.map((namespace) => ({ fixture, namespace })));

describe.each(cases)('$fixture.name in namespace $namespace', ({ fixture, namespace }) => {
  const helmOutput = (major: number): string => {
    const run = runs.get(key(fixture.name, namespace, major));
    if (!run) throw new Error('helm did not run');
    if (run.status !== 0) throw new Error(run.stderr);
    return run.stdout;
  };

  test('Helm 3 and Helm 4 render identical output', () => {
    expect(helmOutput(3)).toBe(helmOutput(4));
  });

  test('helm template output matches the snapshot', () => {
    expect(helmOutput(4)).toMatchSnapshot();
  });

  test('the concrete render equals helm template', () => {
    const concrete = renderManifests([fixture.values], { releaseName: 'coder', namespace }) as Obj[];
    expect(byKey(concrete)).toEqual(byKey(parseManifests(helmOutput(4))));
  });

  test('the concrete render lists the objects in helm template’s order', () => {
    const concrete = renderManifests([fixture.values], { releaseName: 'coder', namespace }) as Obj[];
    const order = (objects: Obj[]) => objects.map(objectKey);
    expect(order(concrete)).toEqual(order(parseManifests(helmOutput(3))));
  });

  test('env names are unique and KUBE_POD_IP precedes every $(KUBE_POD_IP) use', () => {
    const container = coderContainer(findObject(parseManifests(helmOutput(4)), 'Deployment', 'coder'));
    const names = envNames(container);
    expect(new Set(names).size).toBe(names.length);
    const podIP = names.indexOf('KUBE_POD_IP');
    expect(podIP).toBeGreaterThanOrEqual(0);
    (container.env as Obj[]).forEach((entry, index) => {
      if (typeof entry.value === 'string' && entry.value.includes('$(KUBE_POD_IP)'))
        expect(index).toBeGreaterThan(podIP);
    });
  });
});
