/**
 * A throwaway OpenPGP signing key, made with GnuPG in a scratch home, exported the way
 * `helm package --sign` and `helm verify` read keys: binary keyrings, the secret one unprotected.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SigningKey {
  /** The key's user id; `helm package --key` takes it (or part of it). */
  readonly name: string;
  readonly secretKeyring: string;
  readonly publicKeyring: string;
  /** The scratch GnuPG home the key was made in (no gpg-agent of it is left running). */
  readonly gnupgHome: string;
}

export function throwawaySigningKey(name: string): SigningKey {
  if (spawnSync('gpg', ['--version']).error) {
    throw new Error('the release e2e makes a throwaway signing key with GnuPG: install gpg (Debian: gnupg)');
  }
  const dir = mkdtempSync(join(tmpdir(), 'coder-signing-key-'));
  const home = join(dir, 'gnupg');
  execFileSync('mkdir', ['-m', '700', home]);
  const gpg = (args: string[]): Buffer =>
    execFileSync('gpg', ['--batch', '--homedir', home, '--pinentry-mode', 'loopback', '--passphrase', '', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const userId = `${name} <release-test@example.invalid>`;
  // RSA: the OpenPGP code Helm verifies with reads RSA keys of every age.
  gpg(['--quick-gen-key', userId, 'rsa3072', 'sign', 'never']);
  const secretKeyring = join(dir, 'secring.gpg');
  const publicKeyring = join(dir, 'pubring.gpg');
  try {
    writeFileSync(secretKeyring, gpg(['--export-secret-keys', userId]));
    writeFileSync(publicKeyring, gpg(['--export', userId]));
  } finally {
    // gpg starts a gpg-agent per home that outlives it: stop it, or every run leaves one behind.
    spawnSync('gpgconf', ['--homedir', home, '--kill', 'all'], { stdio: 'ignore' });
  }
  return { name: userId, secretKeyring, publicKeyring, gnupgHome: home };
}
