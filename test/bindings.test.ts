/**
 * Values a template computes once at its top (`$name := …`, `bound` in src/expr/expr.ts) run
 * before any condition of the file: Helm evaluates them whatever guards their uses. A binding is
 * only safe when it cannot fail where the chart, written without it, would render: Helm renders
 * every file or none, so a binding that fails where another file fails too changes nothing a user
 * sees. Checked with the concrete back-end, which evaluates uses where they stand: for every
 * values key removed (what a null does, with `--skip-schema-validation`), on the defaults and
 * with the features that read the most keys turned on.
 */
import { checkModelGuards, renderDocument } from '../src/backends/concrete';
import { chartTemplateFiles } from '../src/backends/template';
import { coderChartModel } from '../src/coder/chart';
import { resolveValues, scopeFor } from '../src/render';
import { KEY_REMOVAL_BASES, keyPaths, without } from './support/missing-keys';

const fails = (run: () => unknown): boolean => {
  try {
    run();
    return false;
  } catch {
    return true;
  }
};

describe.each(Object.entries(KEY_REMOVAL_BASES))('a binding fails only where its file would (%s)', (_, base) => {
  const model = coderChartModel();
  const files = chartTemplateFiles(model, 'a test');
  const values = resolveValues([base]);

  test('on every values key removed', () => {
    const unsafe: string[] = [];
    for (const path of keyPaths(values)) {
      const scope = scopeFor(without(values, path));
      const fileFails = new Map<string, boolean>([['guards.yaml', fails(() => checkModelGuards(model, scope))]]);
      for (const doc of model.documents)
        fileFails.set(
          doc.file,
          fails(() => renderDocument(doc, scope)),
        );
      const chartFails = [...fileFails.values()].some(Boolean);
      for (const [file, { bound }] of files) {
        for (const binding of bound) {
          if (fails(() => binding.inner.eval(scope)) && !chartFails) {
            unsafe.push(`${file}: $${binding.name} fails without ${path.join('.')}`);
          }
        }
      }
    }
    expect(unsafe).toEqual([]);
  });
});

test('the guards read a missing coder.metrics.enable as off, as the Deployment does, instead of failing', () => {
  // The container port list used `ternary` on `or(CODER_PROMETHEUS_ENABLE, coder.metrics.enable)`,
  // which is nil without the key, and `ternary` refuses anything but a bool.
  const model = coderChartModel();
  const scope = scopeFor(without(resolveValues([]), ['coder', 'metrics', 'enable']));
  expect(() => checkModelGuards(model, scope)).not.toThrow();
});

describe('the relay guard reads a missing coder.envUseClusterAccessURL as off, instead of failing', () => {
  // The access URL it compares the relay URL with used `ternary` on the flag itself, which is nil
  // without the key, and `ternary` refuses anything but a bool.
  const model = coderChartModel();
  const withRelay = (relay: string): ReturnType<typeof scopeFor> => {
    const values = resolveValues([
      {
        coder: {
          env: [
            { name: 'CODER_ACCESS_URL', value: 'https://coder.example.com' },
            { name: 'CODER_DERP_SERVER_RELAY_URL', value: relay },
          ],
        },
      },
    ]);
    return scopeFor(without(values, ['coder', 'envUseClusterAccessURL']));
  };

  test('a per-pod relay URL passes', () => {
    expect(() => checkModelGuards(model, withRelay('http://$(KUBE_POD_IP):8080'))).not.toThrow();
  });

  test('the access URL as relay URL is still refused, with the guard’s own words', () => {
    expect(() => checkModelGuards(model, withRelay('https://coder.example.com/'))).toThrow(/load-balanced address/);
  });
});
