/**
 * What must hold before a version is released: the version written the same in Chart.yaml,
 * package.json, the built chart and the CHANGELOG, and the Artifact Hub metadata complete and true
 * (the images listed are the images the chart runs by default). `npm run release` refuses to
 * package while any problem remains; test/packaging.test.ts keeps main releasable.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { chartMeta, ChartMeta, chartMetaText, parseChartMeta } from '../../src/chart-meta';
import { GoMap, isMap } from '../../src/expr/go-semantics';
import { CHART_DIR, PACKAGE_ROOT } from '../../src/paths';
import { renderManifests } from '../../src/render';

/** The kinds Artifact Hub accepts for an `artifacthub.io/changes` entry. */
const CHANGE_KINDS = ['added', 'changed', 'deprecated', 'removed', 'fixed', 'security'];
const SEMVER = /^\d+\.\d+\.\d+(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

export interface ReleaseFacts {
  readonly version: string;
  readonly appVersion: string;
  /** Every container image the chart runs with default values, `helm test` included. */
  readonly images: readonly string[];
}

export function releaseFacts(meta: ChartMeta = chartMeta()): ReleaseFacts {
  const images = new Set<string>();
  for (const manifest of renderManifests([])) {
    for (const spec of podSpecs(manifest)) {
      for (const list of ['initContainers', 'containers']) {
        for (const container of (spec[list] as { image?: string }[] | undefined) ?? []) {
          if (container.image) images.add(container.image);
        }
      }
    }
  }
  return { version: meta.version, appVersion: meta.appVersion, images: [...images].sort() };
}

function podSpecs(object: GoMap): GoMap[] {
  const spec = isMap(object.spec) ? object.spec : undefined;
  if (!spec) return [];
  if (object.kind === 'Pod') return [spec];
  return isMap(spec.template) && isMap(spec.template.spec) ? [spec.template.spec] : [];
}

/** The files a release's version and metadata are read from, as text. */
export interface ReleaseSources {
  /** The root Chart.yaml, where the version is written. */
  readonly chartYaml: string;
  /** charts/coder/Chart.yaml, the built copy Helm packages. */
  readonly builtChartYaml: string;
  readonly packageJson: string;
  readonly changelog: string;
  /** README.md, whose install commands name the version. */
  readonly readme: string;
}

export function readReleaseSources(): ReleaseSources {
  return {
    chartYaml: chartMetaText(),
    builtChartYaml: readFileSync(join(CHART_DIR, 'Chart.yaml'), 'utf8'),
    packageJson: readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8'),
    changelog: readFileSync(join(PACKAGE_ROOT, 'CHANGELOG.md'), 'utf8'),
    readme: readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8'),
  };
}

/** Every reason these sources are not releasable; empty when they are. */
export function releaseProblems(sources: ReleaseSources = readReleaseSources()): string[] {
  const meta = parseChartMeta(sources.chartYaml);
  const problems: string[] = [];
  const { version } = meta;
  if (!SEMVER.test(version)) problems.push(`Chart.yaml: version ${version} is not a semantic version (x.y.z)`);

  const manifest = JSON.parse(sources.packageJson) as { version: string; license: string };
  if (manifest.version !== version) {
    problems.push(
      `package.json: version ${manifest.version} differs from Chart.yaml's ${version}: write the same in both`,
    );
  }
  const built = load(sources.builtChartYaml) as { version?: string };
  if (built.version !== version) {
    problems.push(`charts/coder/Chart.yaml: version ${String(built.version)} is not ${version}: run npm run build`);
  }
  const firstEntry = /^## (\S+)/m.exec(sources.changelog)?.[1];
  if (firstEntry !== version) {
    problems.push(
      `CHANGELOG.md: the newest entry is ${firstEntry ?? 'missing'}, not ${version}: add a "## ${version}" section on top`,
    );
  }
  for (const [, named] of sources.readme.matchAll(/--version (\S+)/g)) {
    if (named !== version) problems.push(`README.md: an install command names --version ${named}, not ${version}`);
  }
  problems.push(...artifactHubProblems(meta, releaseFacts(meta), manifest.license));
  return problems;
}

function artifactHubProblems(meta: ChartMeta, facts: ReleaseFacts, packageLicense: string): string[] {
  const problems: string[] = [];
  const annotations: GoMap = isMap(meta.annotations) ? meta.annotations : {};
  const annotation = (key: string): unknown => {
    const text = annotations[`artifacthub.io/${key}`];
    if (typeof text !== 'string') {
      problems.push(`Chart.yaml: annotations."artifacthub.io/${key}" is missing`);
      return undefined;
    }
    return key === 'license' || key === 'prerelease' ? text : load(text);
  };

  const images = annotation('images');
  if (images !== undefined) {
    const listed = Array.isArray(images) ? images.map((entry) => (entry as { image?: unknown }).image).sort() : [];
    if (JSON.stringify(listed) !== JSON.stringify(facts.images)) {
      problems.push(
        `Chart.yaml: artifacthub.io/images lists ${JSON.stringify(listed)}, but the chart runs ` +
          `${JSON.stringify(facts.images)} by default: list those`,
      );
    }
  }
  const links = annotation('links');
  if (links !== undefined) {
    if (!Array.isArray(links) || links.length === 0) {
      problems.push('Chart.yaml: artifacthub.io/links must list at least the documentation (name and url)');
    }
    for (const link of Array.isArray(links) ? (links as { name?: unknown; url?: unknown }[]) : []) {
      if (typeof link.url !== 'string' || !/^https:\/\//.test(link.url)) {
        problems.push(`Chart.yaml: artifacthub.io/links entry ${String(link.name)} needs an https url`);
      }
    }
  }
  const changes = annotation('changes');
  if (changes !== undefined) {
    if (!Array.isArray(changes) || changes.length === 0) {
      problems.push('Chart.yaml: artifacthub.io/changes must list at least one change of this version');
    }
    for (const change of Array.isArray(changes) ? (changes as { kind?: unknown; description?: unknown }[]) : []) {
      if (!CHANGE_KINDS.includes(String(change.kind)) || typeof change.description !== 'string') {
        problems.push(
          `Chart.yaml: artifacthub.io/changes entry ${JSON.stringify(change)} needs a kind (${CHANGE_KINDS.join(', ')}) and a description`,
        );
      }
    }
  }
  const license = annotation('license');
  if (license !== undefined && license !== packageLicense) {
    problems.push(`Chart.yaml: artifacthub.io/license ${String(license)} is not package.json's ${packageLicense}`);
  }
  const prerelease = annotation('prerelease');
  const isPrerelease = SEMVER.exec(meta.version)?.[1] !== undefined;
  if (prerelease !== undefined && prerelease !== String(isPrerelease)) {
    problems.push(
      `Chart.yaml: artifacthub.io/prerelease must be "${String(isPrerelease)}" for version ${meta.version}`,
    );
  }
  return problems;
}
