// Build: esbuild bundle (CJS, node20) → a training run that records a V8 code cache of a real
// command → Node SEA blob (entry src/sea-main.cjs; assets: bundle, code cache, sql.js wasm) →
// stripped copy of the local node binary → postject. Output: dist/conclave, one file that needs
// no node or node_modules.
// Why not pkg / @yao-pkg/pkg: both download patched Node builds from hosts this machine cannot
// reach, and yao's SEA mode needs Node 22 (see README "Building").
import { build } from 'esbuild'
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { copyFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { gzipSync } from 'node:zlib'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = dirname(fileURLToPath(import.meta.url))
const dist = join(root, 'dist')
const require = createRequire(import.meta.url)
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const bundleOnly = process.argv.includes('--bundle-only')

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
  const env = { ...process.env }
  delete env.NODE_OPTIONS
  for (const k of Object.keys(env)) if (k.startsWith('CONCLAVE_')) delete env[k]
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
  plugins: [embedSqlWasm, noiseNodeCrypto, lazyStringWidth, noHelpCache],
  legalComments: 'none',
  minifySyntax: true,
  minifyWhitespace: !process.env.NOMIN,
  minifyIdentifiers: !process.env.NOMIN,
  keepNames: true,
  logLevel: 'warning'
})
console.error(`build: bundle ${bundlePath} ${(statSync(bundlePath).size / 1e6).toFixed(1)} MB (${Math.round(performance.now() - t0)} ms)`)
if (bundleOnly) process.exit(0)

copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), join(dist, 'sql-wasm.wasm'))
writeFileSync(join(dist, 'sql-wasm.wasm.gz'), gzipSync(readFileSync(join(dist, 'sql-wasm.wasm')), { level: 9 }))
copyFileSync(join(root, 'src', 'sea-main.cjs'), join(dist, 'sea-main.cjs'))
const cachePath = join(dist, 'conclave.cache')
rmSync(cachePath, { force: true })
try {
  await stepAsync('code cache training', async () => { await trainCodeCache(cachePath) })
} catch (err) {
  rmSync(cachePath, { force: true })
  console.error(`build: warning: no code cache (${err.message}); the binary starts slower but works`)
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
    ...(existsSync(cachePath) ? { 'conclave.cache': cachePath } : {})
  }
}))
step('sea blob', () => execFileSync(process.execPath, ['--experimental-sea-config', seaConfig], { stdio: 'inherit' }))

const exe = join(dist, 'conclave')
rmSync(exe, { force: true })
copyFileSync(process.execPath, exe)
chmodSync(exe, 0o755)
step('strip', () => {
  try {
    execFileSync('strip', [exe], { stdio: 'inherit' })
  } catch (err) {
    console.error(`build: warning: strip failed (${err.message}); the binary is larger but works`)
  }
})
step('postject', () => execFileSync(process.execPath, [
  require.resolve('postject/dist/cli.js'), exe, 'NODE_SEA_BLOB', blobPath,
  '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'
], { stdio: 'pipe' }))  // LIEF prints harmless section warnings; errors still throw
rmSync(blobPath, { force: true })
rmSync(seaConfig, { force: true })
console.error(`build: ${exe} ${(statSync(exe).size / 1e6).toFixed(1)} MB`)
