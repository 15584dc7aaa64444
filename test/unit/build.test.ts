// Tests for build.mjs: the prerequisite check (fake facts: each missing piece gives its exact
// line), the engines range reader, the verdict on the smoke run, and the built dist/conclave
// starting from its code cache (run `npm run build` first).
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { BINARY, ROOT, runBinary } from '../helpers/cli.js'

interface Facts {
  nodeVersion: string
  enginesNode: string | undefined
  nodePath: string
  seaFuse: boolean
  nodeReadError?: string
  strip: string | null
  esbuild: string | null
  postject: string | null
}
interface SmokeRun { status: number | null, signal?: string | null, stdout?: string, stderr?: string, error?: Error }
interface BuildModule {
  SEA_FUSE: string
  satisfiesRange: (version: string, range: string) => boolean
  prerequisiteErrors: (facts: Facts, options?: { sea?: boolean }) => string[]
  smokeVerdict: (input: { exe: string, version: string, trained: boolean, run: SmokeRun }) => { errors: string[], warnings: string[] }
}

// build.mjs is plain JavaScript outside the typed sources: a non-literal specifier, typed here.
const buildUrl: string = pathToFileURL(join(ROOT, 'build.mjs')).href
const build = await import(buildUrl) as BuildModule
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string, engines: { node: string } }

const ENGINES = '^20.15.0 || >=22.2.0'
const good: Facts = {
  nodeVersion: '20.20.2',
  enginesNode: ENGINES,
  nodePath: '/usr/bin/node',
  seaFuse: true,
  strip: '/usr/bin/strip',
  esbuild: '/repo/node_modules/esbuild/lib/main.js',
  postject: '/repo/node_modules/postject/dist/cli.js'
}

describe('build.mjs: prerequisites', () => {
  it('all present: no error', () => {
    assert.deepEqual(build.prerequisiteErrors(good), [])
  })

  it('a Node older than engines.node: one exact line', () => {
    assert.deepEqual(build.prerequisiteErrors({ ...good, nodeVersion: '20.11.1' }), [
      'build: error: Node 20.11.1 does not satisfy package.json engines.node "^20.15.0 || >=22.2.0"; hint: run the build with a Node release in that range (node --version)'
    ])
  })

  it('Node 21 (no zlib.crc32) is refused too, though newer than 20.15', () => {
    assert.deepEqual(build.prerequisiteErrors({ ...good, nodeVersion: '21.7.3' }), [
      'build: error: Node 21.7.3 does not satisfy package.json engines.node "^20.15.0 || >=22.2.0"; hint: run the build with a Node release in that range (node --version)'
    ])
  })

  it('a node binary without the SEA fuse: one exact line', () => {
    assert.deepEqual(build.prerequisiteErrors({ ...good, nodePath: '/opt/node/bin/node', seaFuse: false }), [
      'build: error: /opt/node/bin/node lacks the SEA fuse NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2: this node was built without single-executable support; hint: run the build with a node that has it, e.g. an official build from nodejs.org'
    ])
  })

  it('a node binary that cannot be read: says so rather than blaming the fuse', () => {
    assert.deepEqual(build.prerequisiteErrors({ ...good, seaFuse: false, nodeReadError: 'EACCES' }), [
      'build: error: cannot read /usr/bin/node to look for the SEA fuse (EACCES); hint: run the build with a node binary you can read'
    ])
  })

  it('no strip on PATH: one exact line', () => {
    assert.deepEqual(build.prerequisiteErrors({ ...good, strip: null }), [
      'build: error: strip not found on PATH; hint: apt-get install binutils'
    ])
  })

  it('no postject or esbuild in node_modules: one exact line each', () => {
    assert.deepEqual(build.prerequisiteErrors({ ...good, postject: null, esbuild: null }), [
      'build: error: esbuild is not installed in node_modules; hint: npm ci',
      'build: error: postject is not installed in node_modules; hint: npm ci'
    ])
  })

  it('everything missing: every line, in order', () => {
    const lines = build.prerequisiteErrors({ ...good, nodeVersion: '18.19.1', seaFuse: false, strip: null, postject: null, esbuild: null })
    assert.equal(lines.length, 5)
    assert.ok(lines.every(l => /^build: error: .*; hint: /.test(l)), lines.join('\n'))
  })

  it('--bundle-only needs neither the fuse, strip nor postject', () => {
    assert.deepEqual(build.prerequisiteErrors({ ...good, seaFuse: false, strip: null, postject: null }, { sea: false }), [])
  })

  it('no engines.node, or a range it cannot read: one exact line', () => {
    assert.deepEqual(build.prerequisiteErrors({ ...good, enginesNode: undefined }), [
      'build: error: package.json has no engines.node; hint: state the Node versions the code needs there'
    ])
    assert.deepEqual(build.prerequisiteErrors({ ...good, enginesNode: '~20.15' }), [
      "build: error: engines range '~20.15': '~20.15' is not a comparator this check reads; hint: use ^X.Y.Z, >=X.Y.Z or <X.Y.Z joined by spaces and ||"
    ])
  })

  it('the Node running this test satisfies package.json engines.node', () => {
    assert.equal(pkg.engines.node, ENGINES)
    assert.equal(build.satisfiesRange(process.versions.node, pkg.engines.node), true)
  })
})

describe('build.mjs: satisfiesRange', () => {
  const cases: Array<[string, string, boolean]> = [
    ['20.15.0', ENGINES, true],
    ['v20.20.2', ENGINES, true],
    ['20.14.9', ENGINES, false],
    ['21.7.3', ENGINES, false],
    ['22.1.0', ENGINES, false],
    ['22.2.0', ENGINES, true],
    ['25.0.0', ENGINES, true],
    ['20.0.0', '>=20', true],
    ['19.9.0', '>=20', false],
    ['20.5.0', '>=20.1 <20.6', true],
    ['20.6.0', '>=20.1 <20.6', false],
    ['20.6.0', '20.6.0', true],
    ['20.6.1', '=20.6.0', false]
  ]
  for (const [version, range, expected] of cases) {
    it(`${version} in "${range}": ${expected}`, () => { assert.equal(build.satisfiesRange(version, range), expected) })
  }

  it('a version it cannot read throws', () => {
    assert.throws(() => build.satisfiesRange('twenty', ENGINES), { message: "'twenty' is not a version" })
  })
})

describe('build.mjs: the verdict on the smoke run of the built binary', () => {
  const exe = '/repo/dist/conclave'
  const ok = { status: 0, signal: null, stdout: '0.1.0\n', stderr: 'conclave: code cache used\n' }

  it('runs, right version, cache used: no error, no warning', () => {
    assert.deepEqual(build.smokeVerdict({ exe, version: '0.1.0', trained: true, run: ok }), { errors: [], warnings: [] })
  })

  it('a binary that cannot start fails the build', () => {
    assert.deepEqual(build.smokeVerdict({ exe, version: '0.1.0', trained: true, run: { status: null, error: new Error('spawnSync /repo/dist/conclave EACCES') } }).errors, [
      'build: error: the built /repo/dist/conclave does not run: spawnSync /repo/dist/conclave EACCES'
    ])
    assert.deepEqual(build.smokeVerdict({ exe, version: '0.1.0', trained: true, run: { status: null, signal: 'SIGSEGV', stdout: '', stderr: '' } }).errors, [
      'build: error: the built /repo/dist/conclave does not run: `--version` was killed by SIGSEGV'
    ])
    assert.deepEqual(build.smokeVerdict({ exe, version: '0.1.0', trained: true, run: { status: 1, signal: null, stdout: '', stderr: 'conclave: code cache used\nTypeError: x is not a function\n    at y\n' } }).errors, [
      'build: error: the built /repo/dist/conclave does not run: `--version` exited 1: TypeError: x is not a function'
    ])
  })

  it('another version than package.json fails the build', () => {
    assert.deepEqual(build.smokeVerdict({ exe, version: '0.2.0', trained: true, run: ok }).errors, [
      "build: error: the built /repo/dist/conclave --version printed '0.1.0', not package.json's '0.2.0'"
    ])
  })

  it('a rejected or missing cache fails the build that trained one', () => {
    assert.deepEqual(build.smokeVerdict({ exe, version: '0.1.0', trained: true, run: { ...ok, stderr: 'conclave: code cache rejected\n' } }).errors, [
      'build: error: the built /repo/dist/conclave did not start from its code cache (rejected): every command would start slower; hint: the cache must be trained by the same node that makes the binary, with no NODE_OPTIONS'
    ])
    assert.deepEqual(build.smokeVerdict({ exe, version: '0.1.0', trained: true, run: { ...ok, stderr: 'conclave: code cache absent\n' } }).errors, [
      'build: error: the built /repo/dist/conclave did not start from its code cache (absent): every command would start slower; hint: the cache must be trained by the same node that makes the binary, with no NODE_OPTIONS'
    ])
    assert.deepEqual(build.smokeVerdict({ exe, version: '0.1.0', trained: true, run: { ...ok, stderr: '' } }).errors, [
      'build: error: the built /repo/dist/conclave did not say whether it used its code cache (CONCLAVE_SEA_DEBUG=1, src/sea-main.cjs)'
    ])
  })

  it('--no-code-cache: no cache is expected, and the build says loudly that it starts slower', () => {
    assert.deepEqual(build.smokeVerdict({ exe, version: '0.1.0', trained: false, run: { ...ok, stderr: 'conclave: code cache absent\n' } }), {
      errors: [],
      warnings: ['build: warning: /repo/dist/conclave has NO code cache (--no-code-cache): every command starts slower; build without the flag before shipping it']
    })
  })
})

describe('the built dist/conclave (npm run build)', () => {
  it('prints package.json\'s version and starts from its trained code cache, as the build checks', async () => {
    const r = await runBinary(['--version'], { env: { CONCLAVE_SEA_DEBUG: '1' } })
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, `${pkg.version}\n`)
    assert.match(r.stderr, /^conclave: code cache used$/m, `${BINARY} must accept its code cache, else every command starts slower`)
    assert.deepEqual(build.smokeVerdict({ exe: BINARY, version: pkg.version, trained: true, run: { status: r.code, signal: r.signal, stdout: r.stdout, stderr: r.stderr } }), { errors: [], warnings: [] })
  })
})
