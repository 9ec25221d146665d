/** What `npm run release` refuses before it packages anything: main must stay releasable. */
import { join } from 'node:path';
import { dump, load } from 'js-yaml';
import { PACKAGE_ROOT } from '../src/paths';
import { parseReleaseArgs, ReleaseError } from '../tools/release/release';
import { readReleaseSources, releaseFacts, releaseProblems, ReleaseSources } from '../tools/release/metadata';

const sources = readReleaseSources();
type ChartYaml = { version: string; annotations: Record<string, string> };

/** The sources with the root Chart.yaml changed by `edit`. */
function withChart(edit: (chart: ChartYaml) => void): ReleaseSources {
  const chart = load(sources.chartYaml) as ChartYaml;
  edit(chart);
  return { ...sources, chartYaml: dump(chart) };
}

test('main is releasable: versions in step, a CHANGELOG entry, complete Artifact Hub metadata', () => {
  expect(releaseProblems(sources)).toEqual([]);
});

test('the images Artifact Hub lists are the images the chart runs by default, helm test included', () => {
  const { images, appVersion } = releaseFacts();
  expect(images).toContain(`ghcr.io/coder/coder:v${appVersion}`);
  expect(images.some((image) => image.startsWith('busybox:'))).toBe(true);
});

describe('a release is refused, naming the file and what to do, when', () => {
  test.each<[string, ReleaseSources, RegExp]>([
    [
      'package.json has another version',
      { ...sources, packageJson: sources.packageJson.replace(/"version": "[^"]+"/, '"version": "9.9.9"') },
      /^package\.json: version 9\.9\.9 differs from Chart\.yaml's/,
    ],
    [
      'the built chart is stale',
      { ...sources, builtChartYaml: sources.builtChartYaml.replace(/^version: .*$/m, 'version: 0.0.1') },
      /^charts\/coder\/Chart\.yaml: version 0\.0\.1 .*run npm run build/,
    ],
    [
      'the CHANGELOG has no entry for the version',
      { ...sources, changelog: sources.changelog.replace(/^## \S+/m, '## 0.0.9') },
      /^CHANGELOG\.md: the newest entry is 0\.0\.9, not .*add a "## /,
    ],
    [
      'the version is not semantic (written alike everywhere)',
      {
        chartYaml: sources.chartYaml.replace(/^version: .*$/m, 'version: one'),
        builtChartYaml: sources.builtChartYaml.replace(/^version: .*$/m, 'version: one'),
        packageJson: sources.packageJson.replace(/"version": "[^"]+"/, '"version": "one"'),
        changelog: sources.changelog.replace(/^## \S+/m, '## one'),
        readme: sources.readme.replaceAll(/--version \S+/g, '--version one'),
      },
      /^Chart\.yaml: version one is not a semantic version/,
    ],
    [
      'the README installs another version',
      { ...sources, readme: sources.readme.replace(/--version \S+/, '--version 0.0.7') },
      /^README\.md: an install command names --version 0\.0\.7, not /,
    ],
    [
      'an image the chart runs is not listed',
      withChart(
        (chart) =>
          (chart.annotations['artifacthub.io/images'] = '- name: coder\n  image: ghcr.io/coder/coder:v1.0.0\n'),
      ),
      /^Chart\.yaml: artifacthub\.io\/images lists .* but the chart runs .*: list those/,
    ],
    [
      'a change has no known kind',
      withChart((chart) => (chart.annotations['artifacthub.io/changes'] = '- kind: improved\n  description: x\n')),
      /^Chart\.yaml: artifacthub\.io\/changes entry .* needs a kind \(added, changed/,
    ],
    [
      'the links are missing',
      withChart((chart) => delete chart.annotations['artifacthub.io/links']),
      /^Chart\.yaml: annotations\."artifacthub\.io\/links" is missing/,
    ],
    [
      'a link is not https',
      withChart((chart) => (chart.annotations['artifacthub.io/links'] = '- name: docs\n  url: http://example.com\n')),
      /^Chart\.yaml: artifacthub\.io\/links entry docs needs an https url/,
    ],
    [
      'prerelease does not follow the version',
      withChart((chart) => (chart.annotations['artifacthub.io/prerelease'] = 'true')),
      /^Chart\.yaml: artifacthub\.io\/prerelease must be "false"/,
    ],
  ])('%s', (_, broken, message) => {
    const problems = releaseProblems(broken);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });
});

describe('npm run release arguments', () => {
  test('a release is signed: --key and --keyring are required', () => {
    expect(() => parseReleaseArgs(['--keyring', 'k'])).toThrow(/--key is required/);
    expect(() => parseReleaseArgs(['--key', 'me'])).toThrow(/--keyring is required/);
  });

  test('--push takes an oci:// reference, --helm 3 or 4, and unknown options are refused', () => {
    const base = ['--key', 'me', '--keyring', 'k'];
    expect(() => parseReleaseArgs([...base, '--push', 'https://r/x'])).toThrow(/oci:\/\/host/);
    expect(() => parseReleaseArgs([...base, '--helm', '5'])).toThrow(ReleaseError);
    expect(() => parseReleaseArgs([...base, '--sign'])).toThrow(/unknown option --sign/);
    expect(() => parseReleaseArgs([...base, '--out'])).toThrow(/--out needs a value/);
    // Not dist/, where `npm start` renders the examples: a release must not mix with them.
    expect(parseReleaseArgs(base).out).toBe(join(PACKAGE_ROOT, 'release'));
    expect(parseReleaseArgs([...base, '--push', 'oci://r/x', '--plain-http', '--helm', '3'])).toMatchObject({
      key: 'me',
      push: 'oci://r/x',
      plainHttp: true,
      helm: 3,
    });
  });
});
