// Build: prerequisites checked first (Node version against package.json engines, the SEA fuse in
// the node binary, strip, esbuild and postject) → esbuild bundle (CJS, node20) → a training run
// that records a V8 code cache of a real command → Node SEA blob (entry src/sea-main.cjs; assets:
// bundle, code cache, sql.js wasm) → stripped copy of the local node binary → postject → a run
// of the binary it made (--version, code cache accepted). Output: dist/conclave, one file that
// needs no node or node_modules. `--bundle-only` stops after the bundle; `--no-code-cache` skips
// the training (and says loudly that the binary starts slower).
// Why not pkg / @yao-pkg/pkg: both download patched Node builds from hosts this machine cannot
// reach, and yao's SEA mode needs Node 22 (see README "Building").
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { accessSync, constants, copyFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { gzipSync } from 'node:zlib'
import { createRequire } from 'node:module'
import { delimiter, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = dirname(fileURLToPath(import.meta.url))
const dist = join(root, 'dist')
const require = createRequire(import.meta.url)
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

/** The sentinel postject flips in the node binary; a node built without SEA support lacks it. */
export const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'

/** An expected failure of the build: printed as one `build: error:` line, no stack trace. */
class BuildError extends Error {}

function parseVersion (text) {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text)
  if (m === null) throw new BuildError(`'${text}' is not a version`)
  return [Number(m[1]), Number(m[2]), Number(m[3])]
}

function compareVersions (a, b) {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i]
  return 0
}

/**
 * Whether VERSION is in RANGE, for the range forms package.json's engines uses: comparators
 * `^X.Y.Z` (X > 0), `>=`, `>`, `<=`, `<`, `=` or a bare version (missing parts are 0), separated by spaces
 * (all must hold) and `||` (any set may hold). Anything else throws: a check that guesses is no
 * check. Prerelease tags are ignored.
 */
export function satisfiesRange (version, range) {
  const v = parseVersion(version)
  return range.split('||').some(set => set.trim().split(/\s+/).every(comparator => {
    const m = /^(\^|>=|<=|>|<|=)?v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(comparator)
    if (m === null) throw new BuildError(`engines range '${range}': '${comparator}' is not a comparator this check reads`)
    const bound = [Number(m[2]), Number(m[3] ?? 0), Number(m[4] ?? 0)]
    const c = compareVersions(v, bound)
    switch (m[1]) {
      case '^':
        if (bound[0] === 0) throw new BuildError(`engines range '${range}': '${comparator}' (a 0.x caret) is not a comparator this check reads`)
        return c >= 0 && v[0] === bound[0]
      case '>=': return c >= 0
      case '>': return c > 0
      case '<=': return c <= 0
      case '<': return c < 0
      default: return c === 0
    }
  }))
}

/**
 * The build's prerequisites, one `build: error: …; hint: …` line per missing one (empty: all
 * there). Pure: FACTS are gathered by gatherFacts(); tests pass their own. Without `sea` (the
 * --bundle-only build) only Node and esbuild are needed.
 *   nodeVersion, enginesNode: process.versions.node and package.json's engines.node
 *   nodePath: the node binary the executable is made from; seaFuse: whether it holds SEA_FUSE
 *   (nodeReadError: why it could not be read, if so)
 *   strip, esbuild, postject: where each was found, or null
 */
export function prerequisiteErrors (facts, { sea = true } = {}) {
  const errors = []
  if (typeof facts.enginesNode !== 'string' || facts.enginesNode === '') {
    errors.push('build: error: package.json has no engines.node; hint: state the Node versions the code needs there')
  } else {
    let ok
    try {
      ok = satisfiesRange(facts.nodeVersion, facts.enginesNode)
    } catch (err) {
      errors.push(`build: error: ${err.message}; hint: use ^X.Y.Z, >=X.Y.Z or <X.Y.Z joined by spaces and ||`)
    }
    if (ok === false) {
      errors.push(`build: error: Node ${facts.nodeVersion} does not satisfy package.json engines.node "${facts.enginesNode}"; ` +
        'hint: run the build with a Node release in that range (node --version)')
    }
  }
  if (facts.esbuild === null) errors.push('build: error: esbuild is not installed in node_modules; hint: npm ci')
  if (!sea) return errors
  if (facts.nodeReadError !== undefined) {
    errors.push(`build: error: cannot read ${facts.nodePath} to look for the SEA fuse (${facts.nodeReadError}); ` +
      'hint: run the build with a node binary you can read')
  } else if (!facts.seaFuse) {
    errors.push(`build: error: ${facts.nodePath} lacks the SEA fuse ${SEA_FUSE}: this node was built without ` +
      'single-executable support; hint: run the build with a node that has it, e.g. an official build from nodejs.org')
  }
  if (facts.strip === null) errors.push('build: error: strip not found on PATH; hint: apt-get install binutils')
  if (facts.postject === null) errors.push('build: error: postject is not installed in node_modules; hint: npm ci')
  return errors
}

/** The first executable NAME on PATH, or null. */
function onPath (name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue
    const file = join(dir, name)
    try {
      accessSync(file, constants.X_OK)
      if (statSync(file).isFile()) return file
    } catch {}
  }
  return null
}

function resolvable (specifier) {
  try {
    return require.resolve(specifier)
  } catch {
    return null
  }
}

/** The real facts prerequisiteErrors judges. Reads the node binary (~100 MB, ~0.1 s) for the fuse. */
function gatherFacts ({ sea }) {
  const facts = {
    nodeVersion: process.versions.node,
    enginesNode: pkg.engines?.node,
    nodePath: process.execPath,
    esbuild: resolvable('esbuild'),
    strip: null,
    postject: null,
    seaFuse: false
  }
  if (!sea) return facts
  try {
    facts.seaFuse = readFileSync(process.execPath).includes(SEA_FUSE)
  } catch (err) {
    facts.nodeReadError = err.code ?? err.message
  }
  facts.strip = onPath('strip')
  facts.postject = resolvable('postject/dist/cli.js')
  return facts
}

/**
 * Replaces src/store/wasm.ts: sql.js's wasm is an asset of the executable, gzipped (688 → 338 KB;
 * inflating costs ~5 ms, paid only by commands that open the store), not ~0.9 MB of base64 that
 * every start would read; dist/sql-wasm.wasm next to the bundle serves `node dist/conclave.cjs`.
 */
const embedSqlWasm = {
  name: 'embed-sql-wasm',
  setup (b) {
    b.onLoad({ filter: /[/\\]src[/\\]store[/\\]wasm\.ts$/ }, () => ({
      contents: "import { isSea, getRawAsset } from 'node:sea'\n" +
        "import { readFileSync } from 'node:fs'\n" +
        "import { join } from 'node:path'\n" +
        "import { gunzipSync } from 'node:zlib'\n" +
        'export async function sqlWasmBinary () {\n' +
        "  return new Uint8Array(isSea() ? gunzipSync(getRawAsset('sql-wasm.wasm.gz')) : readFileSync(join(__dirname, 'sql-wasm.wasm')))\n" +
        '}\n',
      loader: 'ts',
      resolveDir: root
    }))
  }
}

/**
 * @libp2p/noise's default crypto module instantiates two AssemblyScript wasm modules at load and
 * pulls in @noble's ciphers; our transport passes its own node:crypto implementation
 * (src/transport/noise-crypto.ts), so the default becomes that too and the rest is not bundled.
 */
const noiseNodeCrypto = {
  name: 'noise-node-crypto',
  setup (b) {
    b.onLoad({ filter: /[/\\]@libp2p[/\\]noise[/\\]dist[/\\]src[/\\]crypto[/\\]index\.js$/ }, () => ({
      contents: `export { noiseCrypto as defaultCrypto } from ${JSON.stringify(join(root, 'src', 'transport', 'noise-crypto.ts'))}\n`,
      loader: 'js',
      resolveDir: root
    }))
  }
}

/**
 * string-width (yargs/cliui help layout) does costly work at module load: an Intl.Segmenter
 * (ICU break-iterator data) and Unicode-property regexes, ~50 ms on every start, even for
 * commands that never print help. Run its module body on the first call instead; its imports
 * stay as they are and its behaviour is unchanged.
 */
const lazyStringWidth = {
  name: 'lazy-string-width',
  setup (b) {
    b.onLoad({ filter: /[/\\]string-width[/\\]index\.js$/ }, async args => {
      const source = readFileSync(args.path, 'utf8')
      const lines = source.split('\n')
      const imports = lines.filter(l => l.startsWith('import '))
      const body = lines.filter(l => !l.startsWith('import ')).join('\n')
      const head = 'export default function stringWidth('
      // cli-progress brings string-width 4 (CommonJS, cheap to load): left as it is
      if (!body.includes(head) && source.includes('module.exports')) return undefined
      if (!body.includes(head)) throw new Error(`lazy-string-width: unexpected shape of ${args.path}`)
      return {
        contents: imports.join('\n') + '\nlet __impl\n' +
          'export default function stringWidth (...a) {\n' +
          `  __impl ??= (() => {\n${body.replace(head, 'function stringWidth(')}\nreturn stringWidth\n})()\n` +
          '  return __impl(...a)\n}\n',
        loader: 'js'
      }
    })
  }
}

/**
 * cli-progress (the catch-up bar) requires string-width 4 (CommonJS) with its own emoji-regex,
 * strip-ansi and ansi-regex: ~50 KB that the bundle already holds in the string-width yargs'
 * cliui uses. Point its require at that one (same function: the display width of a string).
 */
const oneStringWidth = {
  name: 'one-string-width',
  setup (b) {
    b.onResolve({ filter: /^string-width$/ }, async args => {
      if (!/[/\\]cli-progress[/\\]/.test(args.importer)) return undefined
      const cliui = join(root, 'node_modules', 'cliui')
      const target = await b.resolve('string-width', { resolveDir: cliui, kind: 'import-statement' })
      if (target.errors.length > 0) return { errors: target.errors }
      return { path: target.path, namespace: 'string-width-cjs' }
    })
    b.onLoad({ filter: /.*/, namespace: 'string-width-cjs' }, args => ({
      contents: `module.exports = require(${JSON.stringify(args.path)}).default\n`,
      loader: 'js',
      resolveDir: root
    }))
  }
}

/**
 * yargs renders the whole help text of a command every time that command runs
 * (usage.cacheHelpMessage, ~40 ms) so it could print it if an async handler fails. We print our
 * own error instead and never show that text, so skip the rendering; help() still renders on
 * demand.
 */
const noHelpCache = {
  name: 'no-yargs-help-cache',
  setup (b) {
    b.onLoad({ filter: /[/\\]yargs[/\\]build[/\\]lib[/\\]usage\.js$/ }, async args => {
      const source = readFileSync(args.path, 'utf8')
      const eager = 'cachedHelpMessage = this.help();'
      if (!source.includes(eager)) throw new Error(`no-yargs-help-cache: pattern not found in ${args.path}`)
      return { contents: source.replace(eager, 'cachedHelpMessage = undefined;'), loader: 'js' }
    })
  }
}

async function stepAsync (label, fn) {
  const t = performance.now()
  await fn()
  console.error(`build: ${label} (${Math.round(performance.now() - t)} ms)`)
}

/**
 * The training run behind the code cache: two members in a temporary directory on 127.0.0.1
 * (no mDNS), one listening, the other sending one message without a daemon: the longest common
 * path (CLI parsing, identity, store, libp2p start and dial, Noise, Yamux, gossipsub, the keys
 * exchange, sealing). The sender's process writes the cache of everything it compiled at exit.
 */
async function trainCodeCache (cachePath) {
  const loader = join(dist, 'sea-main.cjs')
  const env = cleanEnv()
  const dir = mkdtempSync(join(tmpdir(), 'conclave-train-'))
  const cli = (args, extra = {}) => {
    const r = spawnSync(process.execPath, [loader, ...args], { env: { ...env, ...extra }, encoding: 'utf8', timeout: 60_000 })
    if (r.status !== 0) throw new Error(`training step '${args[0]}' failed: ${r.stderr || r.error?.message}`)
    return r.stdout
  }
  let listener
  try {
    const [a, b] = [join(dir, 'a'), join(dir, 'b')]
    cli(['init', '--name', 'trainer-a', '--home', a])
    cli(['init', '--name', 'trainer-b', '--home', b])
    cli(['create', 'train', '--home', a])
    const port = await new Promise((resolve, reject) => {
      const srv = createServer().once('error', reject)
      srv.listen(0, '127.0.0.1', () => { const p = srv.address().port; srv.close(() => resolve(p)) })
    })
    const listen = `/ip4/127.0.0.1/tcp/${port}`
    const peer = JSON.parse(cli(['id', '--json', '--home', a])).peerId
    const ticket = cli(['invite', 'train', '--home', a, '--listen', listen]).trim()
    listener = spawn(process.execPath, [loader, 'listen', 'train', '--home', a, '--no-mdns', '--listen', listen], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    listener.stdout.setEncoding('utf8').on('data', d => { out += d })
    listener.stderr.setEncoding('utf8').on('data', d => { err += d })
    const until = async (what, cond) => {
      const end = Date.now() + 30_000
      while (!cond()) {
        if (Date.now() > end || listener.exitCode !== null) throw new Error(`training: no ${what}: ${err}`)
        await new Promise(resolve => setTimeout(resolve, 20))
      }
    }
    await until('listener', () => /listening to train/.test(err))
    cli(['join', ticket, '--home', b, '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0'])
    cli(['send', 'train', 'warm-up', '--home', b, '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0', '--bootstrap', `${listen}/p2p/${peer}`],
      { CONCLAVE_SEA_TRAIN: cachePath })
    await until('delivery', () => out.includes('warm-up'))
    if (!existsSync(cachePath)) throw new Error('the training run wrote no cache')
  } finally {
    listener?.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
}

function step (label, fn) {
  const t = performance.now()
  const out = fn()
  console.error(`build: ${label} (${Math.round(performance.now() - t)} ms)`)
  return out
}

/**
 * The verdict on a run of the built binary with `--version` and CONCLAVE_SEA_DEBUG=1 (see
 * src/sea-main.cjs): errors if it did not run, printed another version than package.json's, or
 * did not start from the code cache it was built with; a loud warning when the build was told to
 * skip the cache (`trained` false). Pure: RUN is what spawnSync returned.
 */
export function smokeVerdict ({ exe, version, trained, run }) {
  const errors = []
  const warnings = []
  const stderr = run.stderr ?? ''
  const firstOther = stderr.split('\n').find(l => l !== '' && !l.startsWith('conclave: code cache ')) ?? ''
  if (run.error !== undefined) return { errors: [`build: error: the built ${exe} does not run: ${run.error.message}`], warnings }
  if (run.status !== 0) {
    const how = run.signal !== null && run.signal !== undefined ? `was killed by ${run.signal}` : `exited ${run.status}`
    return { errors: [`build: error: the built ${exe} does not run: \`--version\` ${how}${firstOther !== '' ? `: ${firstOther}` : ''}`], warnings }
  }
  const printed = (run.stdout ?? '').trim()
  if (printed !== version) errors.push(`build: error: the built ${exe} --version printed '${printed}', not package.json's '${version}'`)
  const cache = /^conclave: code cache (\w+)$/m.exec(stderr)?.[1]
  if (cache === undefined) {
    errors.push(`build: error: the built ${exe} did not say whether it used its code cache (CONCLAVE_SEA_DEBUG=1, src/sea-main.cjs)`)
  } else if (trained && cache !== 'used') {
    errors.push(`build: error: the built ${exe} did not start from its code cache (${cache}): every command would start slower; ` +
      'hint: the cache must be trained by the same node that makes the binary, with no NODE_OPTIONS')
  } else if (!trained && cache !== 'absent') {
    errors.push(`build: error: the built ${exe} reports a code cache '${cache}' although the build skipped training`)
  } else if (!trained) {
    warnings.push(`build: warning: ${exe} has NO code cache (--no-code-cache): every command starts slower; build without the flag before shipping it`)
  }
  return { errors, warnings }
}

/** An environment for the build's own runs of the CLI: none of the caller's CONCLAVE_* or NODE_OPTIONS. */
function cleanEnv (extra = {}) {
  const env = { ...process.env }
  delete env.NODE_OPTIONS
  for (const k of Object.keys(env)) if (k.startsWith('CONCLAVE_')) delete env[k]
  return { ...env, ...extra }
}

async function main (argv) {
  const bundleOnly = argv.includes('--bundle-only')
  const skipCache = argv.includes('--no-code-cache')
  const unknown = argv.filter(a => a !== '--bundle-only' && a !== '--no-code-cache')
  if (unknown.length > 0) throw new BuildError(`unknown option ${unknown[0]}; hint: node build.mjs [--bundle-only] [--no-code-cache]`)

  const facts = gatherFacts({ sea: !bundleOnly })
  const missing = prerequisiteErrors(facts, { sea: !bundleOnly })
  if (missing.length > 0) {
    for (const line of missing) console.error(line)
    process.exit(1)
  }
  console.error(`build: prerequisites ok: node ${facts.nodeVersion} satisfies engines "${facts.enginesNode}"` +
    (bundleOnly ? '' : `, SEA fuse in ${facts.nodePath}, ${facts.strip}, postject`))
  const { build } = await import('esbuild')

  mkdirSync(dist, { recursive: true })
  const bundlePath = join(dist, 'conclave.cjs')
  const t0 = performance.now()
  await build({
    entryPoints: [join(root, 'src/main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: bundlePath,
    // yargs reads import.meta.url; esbuild empties it in CJS output unless defined.
    define: {
      'import.meta.url': '__conclave_import_meta_url',
      'process.env.CONCLAVE_BUILD_VERSION': JSON.stringify(pkg.version)
    },
    banner: { js: 'var __conclave_import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
    loader: { '.wasm': 'binary' },
    plugins: [embedSqlWasm, noiseNodeCrypto, oneStringWidth, lazyStringWidth, noHelpCache],
    legalComments: 'none',
    minifySyntax: true,
    minifyWhitespace: !process.env.NOMIN,
    minifyIdentifiers: !process.env.NOMIN,
    keepNames: true,
    logLevel: 'warning'
  })
  console.error(`build: bundle ${bundlePath} ${(statSync(bundlePath).size / 1e6).toFixed(1)} MB (${Math.round(performance.now() - t0)} ms)`)
  if (bundleOnly) return

  copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), join(dist, 'sql-wasm.wasm'))
  writeFileSync(join(dist, 'sql-wasm.wasm.gz'), gzipSync(readFileSync(join(dist, 'sql-wasm.wasm')), { level: 9 }))
  copyFileSync(join(root, 'src', 'sea-main.cjs'), join(dist, 'sea-main.cjs'))
  // From here on a failure leaves no dist/conclave: an older binary must not pass for this build.
  const exe = join(dist, 'conclave')
  rmSync(exe, { force: true })
  const cachePath = join(dist, 'conclave.cache')
  rmSync(cachePath, { force: true })
  // A binary without its cache works but starts every command slower, so a failed training
  // stops the build; --no-code-cache builds without one on purpose (and says so at the end).
  if (!skipCache) {
    try {
      await stepAsync('code cache training', async () => { await trainCodeCache(cachePath) })
    } catch (err) {
      rmSync(cachePath, { force: true })
      const why = err.message.split('\n').map(l => l.trim()).filter(l => l !== '').join(' / ')
      throw new BuildError(`code cache training failed: ${why}; ` +
        'hint: `npm run build -- --no-code-cache` makes a binary without it (slower start, same behaviour)')
    }
  }

  const blobPath = join(dist, 'sea-prep.blob')
  const seaConfig = join(dist, 'sea-config.json')
  writeFileSync(seaConfig, JSON.stringify({
    main: join(dist, 'sea-main.cjs'),
    output: blobPath,
    disableExperimentalSEAWarning: true,
    useCodeCache: false,
    assets: {
      'conclave.cjs': bundlePath,
      'sql-wasm.wasm.gz': join(dist, 'sql-wasm.wasm.gz'),
      ...(skipCache ? {} : { 'conclave.cache': cachePath })
    }
  }))
  step('sea blob', () => execFileSync(process.execPath, ['--experimental-sea-config', seaConfig], { stdio: 'inherit' }))

  copyFileSync(process.execPath, exe)
  chmodSync(exe, 0o755)
  // The shipped node carries debug info (~99 MB → ~86 MB stripped).
  step('strip', () => execFileSync(facts.strip, [exe], { stdio: 'inherit' }))
  step('postject', () => execFileSync(process.execPath, [
    facts.postject, exe, 'NODE_SEA_BLOB', blobPath, '--sentinel-fuse', SEA_FUSE
  ], { stdio: 'pipe' }))  // LIEF prints harmless section warnings; errors still throw
  rmSync(blobPath, { force: true })
  rmSync(seaConfig, { force: true })
  console.error(`build: ${exe} ${(statSync(exe).size / 1e6).toFixed(1)} MB`)

  // Run what was made, as a user would: from an empty directory, none of our environment.
  const cwd = mkdtempSync(join(tmpdir(), 'conclave-smoke-'))
  const verdict = step('smoke run', () => {
    try {
      const run = spawnSync(exe, ['--version'], { cwd, env: cleanEnv({ CONCLAVE_SEA_DEBUG: '1' }), encoding: 'utf8', timeout: 30_000 })
      return smokeVerdict({ exe, version: pkg.version, trained: !skipCache, run })
    } finally {
      rmSync(cwd, { recursive: true, force: true })
    }
  })
  if (verdict.errors.length > 0) {
    for (const line of verdict.errors) console.error(line)
    rmSync(exe, { force: true })
    console.error(`build: removed ${exe}`)
    process.exit(1)
  }
  for (const line of verdict.warnings) console.error(line)
  console.error(`build: ${exe} runs: --version ${pkg.version}, code cache ${skipCache ? 'absent (skipped)' : 'used'}`)
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)
if (isMain) {
  try {
    await main(process.argv.slice(2))
  } catch (err) {
    // Expected failures are one line; anything else keeps its first line, still without a trace.
    console.error(`build: error: ${err instanceof BuildError ? err.message : String(err.message ?? err).split('\n')[0]}`)
    process.exit(1)
  }
}
