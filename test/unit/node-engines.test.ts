// The Node.js versions README and package.json promise must be ones every
// installed package accepts: with engine-strict (.npmrc), `npm ci` refuses a
// Node outside any dependency's range, so a promise wider than the lockfile
// allows breaks installs on machines CI never runs.
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

type Lock = { packages: Record<string, { engines?: { node?: unknown } }> };
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as Lock;

describe('the Node.js range in package.json engines', () => {
  it('is accepted by every package in the lockfile', () => {
    const refusing = Object.entries(lock.packages)
      .filter(([name, p]) => name !== '' && typeof p.engines?.node === 'string')
      .filter(([, p]) => !semver.subset(pkg.engines.node, p.engines?.node as string))
      .map(([name, p]) => `${name.replace(/^node_modules\//, '')} wants ${String(p.engines?.node)}`);
    expect(refusing).toEqual([]);
  });

  it('is what the README says', () => {
    expect(readFileSync('README.md', 'utf8')).toContain(`\`${pkg.engines.node}\``);
  });

  it('holds the Node.js running these tests (CI’s)', () => {
    expect(semver.satisfies(process.version, pkg.engines.node)).toBe(true);
  });
});
