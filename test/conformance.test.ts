/** The comparison tool that checks ours against a reference render (the official chart's). */
import { documentedDifferences, isDocumented, isDocumentedRefusal } from '../tools/conformance/allowlist';
import { compareRenders } from '../tools/conformance/compare';

const reference = `
apiVersion: v1
kind: Service
metadata:
  name: coder
  annotations: {}
spec:
  type: LoadBalancer
  ports:
    - name: http
      port: 80
      nodePort:
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: coder
spec:
  replicas: 1
  template:
    spec:
      containers:
        - name: coder
          env:
            - name: A
              value: "1"
            - name: B
              value: "2"
          volumeMounts: []
`;

test('identical renders differ nowhere; empty reference values count as unset', () => {
  const ours = reference
    .replace('  annotations: {}\n', '')
    .replace('      nodePort:\n', '')
    .replace('          volumeMounts: []\n', '');
  const result = compareRenders(reference, ours);
  expect(result.differences).toEqual([]);
  // Service: apiVersion, kind, name, type, port name and number; Deployment: apiVersion, kind, name,
  // replicas, container name, two env names and values.
  expect(result.fieldsCompared).toBe(15);
});

test('a changed field and a missing object are reported by path', () => {
  const ours = reference.replace('value: "2"', 'value: "3"').replace(/^---[\s\S]*?kind: Service[\s\S]*?---/m, '---');
  const changed = compareRenders(reference, reference.replace('value: "2"', 'value: "3"'));
  expect(changed.differences).toEqual([
    {
      object: 'Deployment/default/coder',
      path: 'spec.template.spec.containers[name=coder].env[name=B].value',
      reference: '2',
      ours: '3',
    },
  ]);
  const missing = compareRenders(reference, ours.split('---')[1] ?? '');
  expect(missing.differences.map((d) => `${d.object} ${d.path}`)).toContain('Service/default/coder (object)');
});

test('named list items are matched by name, not position, and extra fields in ours are fine', () => {
  const ours = reference
    .replace('            - name: A\n              value: "1"\n', '')
    .replace(
      '            - name: B\n              value: "2"\n',
      '            - name: B\n              value: "2"\n            - name: A\n              value: "1"\n            - name: EXTRA\n              value: x\n',
    );
  expect(compareRenders(reference, ours).differences).toEqual([]);
});

test('the differences doc is the allowlist', () => {
  const documented = documentedDifferences();
  expect(documented.length).toBeGreaterThanOrEqual(3);
  const label = {
    object: 'Service/default/coder',
    path: 'metadata.labels.app.kubernetes.io/version',
    reference: '0.1.0',
    ours: '2',
  };
  expect(isDocumented(label, documented)).toBe(true);
  expect(isDocumented({ ...label, path: 'spec.type' }, documented)).toBe(false);
  expect(isDocumentedRefusal("additional properties 'prometheusNodePort' not allowed", documented)).toBe(true);
  expect(isDocumentedRefusal("additional properties 'somethingElse' not allowed", documented)).toBe(false);
});
