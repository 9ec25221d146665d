/** Every example under examples/ renders (Helm 3 = Helm 4 = concrete), is valid and keeps the rules. */
import { join } from 'node:path';
import { CLIENT_NEWEST, CLIENT_OLDEST } from '../tools/kubernetes/client-models';
import { KubernetesValidator } from '../tools/kubernetes/validate-objects';
import { PACKAGE_ROOT } from '../src/paths';
import { checkValues, resolveValues } from '../src/render';
import { loadFixtures } from './support/fixtures';
import { invariantViolations } from './support/invariants';
import { Obj } from './support/manifests';
import { restrictedViolations } from './support/pod-security';
import { renderBoth } from './support/render-both';

const examples = loadFixtures(join(PACKAGE_ROOT, 'examples'));
const validators = [new KubernetesValidator(CLIENT_OLDEST), new KubernetesValidator(CLIENT_NEWEST)];

test('the examples cover the scenarios the README promises', () => {
  expect(examples.map((e) => e.name).sort()).toEqual(
    [
      'autoscaling',
      'custom-relays',
      'ha-3-replicas',
      'ha-gateway-api',
      'ha-tls-ingress',
      'ipv6',
      'network-policy',
      'prometheus-operator',
      'quick-start',
      'workspaces-in-other-namespaces',
    ].sort(),
  );
});

describe.each(examples.map((e) => [e.name, e] as const))('%s', (_name, example) => {
  test('is valid, renders alike everywhere, and every object is Kubernetes-valid and restricted', async () => {
    expect(checkValues(resolveValues([example.values]))).toEqual([]);
    const objects = await renderBoth(example.values, { release: 'coder', namespace: 'coder' });
    for (const validator of validators) {
      for (const object of objects) {
        const verdict = validator.validate(object);
        if (verdict.checked) expect(verdict.problems).toEqual([]);
      }
    }
    for (const deployment of objects.filter((o) => o.kind === 'Deployment')) {
      expect(restrictedViolations(((deployment.spec as Obj).template as Obj).spec as Obj)).toEqual([]);
    }
    expect(invariantViolations(objects, 'coder', 'coder')).toEqual([]);
  });
});
