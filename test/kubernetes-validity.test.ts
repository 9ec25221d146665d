/**
 * Every object rendered for every fixture is a valid Kubernetes object for the oldest release
 * Chart.yaml's kubeVersion allows (1.28) and the newest the client packages provide (1.36).
 */
import { join } from 'node:path';
import { chartMeta } from '../src/chart-meta';
import { CLIENT_NEWEST, CLIENT_OLDEST } from '../tools/kubernetes/client-models';
import { KubernetesValidator } from '../tools/kubernetes/validate-objects';
import { renderManifests } from '../src/render';
import { FIXTURES_DIR, loadFixtures } from './support/fixtures';
import { findObject, Obj } from './support/manifests';

const validators = [new KubernetesValidator(CLIENT_OLDEST), new KubernetesValidator(CLIENT_NEWEST)];
const fixtures = [...loadFixtures(), ...loadFixtures(join(FIXTURES_DIR, 'edge-valid'))];

test('the versions validated against are the kubeVersion floor and the newest client', () => {
  expect(validators.map((v) => v.release)).toEqual(['release-1.28', 'release-1.36']);
  expect(chartMeta().kubeVersion).toBe('>= 1.28.0-0');
});

describe.each(validators.map((v) => [v.release, v] as const))('Kubernetes %s', (_release, validator) => {
  test.each(fixtures.map((f) => [f.name, f] as const))('%s renders only valid objects', (_name, fixture) => {
    const objects = renderManifests([fixture.values], { releaseName: 'coder', namespace: 'coder' }) as Obj[];
    for (const object of objects) {
      const verdict = validator.validate(object);
      if (verdict.checked) expect(verdict.problems).toEqual([]);
      else expect(verdict.reason).toMatch(/custom resource/);
    }
  });

  describe('the validator catches what the API server rejects', () => {
    // Rendered inside the tests, not while they are collected: mutation testing then knows
    // which tests cover which source.
    const base = () => findObject(renderManifests([{}]) as Obj[], 'Deployment', 'coder');
    const broken = (edit: (d: Obj) => void): Obj => {
      const copy = structuredClone(base());
      edit(copy);
      return copy;
    };
    const problems = (object: Obj) => {
      const verdict = validator.validate(object);
      if (!verdict.checked) throw new Error(verdict.reason);
      return verdict.problems.map((p) => `${p.path}: ${p.message}`);
    };

    test('an unknown (typo’d) field', () => {
      const object = broken((d) => ((((d.spec as Obj).template as Obj).spec as Obj).terminationGracePeriod = 30));
      expect(problems(object)).toContainEqual(expect.stringContaining('(terminationGracePeriod)'));
    });
    test('a string replica count', () => {
      expect(problems(broken((d) => ((d.spec as Obj).replicas = '3')))).toContainEqual(
        expect.stringMatching(/^spec\.replicas: must be/),
      );
    });
    test('a container without a name', () => {
      const object = broken(
        (d) => delete ((((d.spec as Obj).template as Obj).spec as Obj).containers as Obj[])[0].name,
      );
      expect(problems(object)).toContainEqual(expect.stringContaining("must have required property 'name'"));
    });
    test('an invalid label value', () => {
      const object = broken((d) => (((d.metadata as Obj).labels as Obj).team = 'has spaces'));
      expect(problems(object)).toContainEqual('metadata.labels.team: "has spaces" is not a valid label value');
    });
  });
});
