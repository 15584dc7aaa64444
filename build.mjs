// Build: esbuild bundle (CJS, node20) → Node SEA blob with code cache → stripped copy of the
// local node binary → postject. Output: dist/conclave, one file that needs no node or node_modules.
// Why not pkg / @yao-pkg/pkg: both download patched Node builds from hosts this machine cannot
// reach, and yao's SEA mode needs Node 22 (see README "Building").
import { build } from 'esbuild'
import { execFileSync } from 'node:child_process'
import { copyFileSync, chmodSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = dirname(fileURLToPath(import.meta.url))
const dist = join(root, 'dist')
const require = createRequire(import.meta.url)
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const bundleOnly = process.argv.includes('--bundle-only')

/** Replaces src/store/wasm.ts with a module that embeds sql.js's wasm in the bundle. */
const embedSqlWasm = {
  name: 'embed-sql-wasm',
  setup (b) {
    b.onLoad({ filter: /[/\\]src[/\\]store[/\\]wasm\.ts$/ }, () => ({
      contents: `import wasm from ${JSON.stringify(require.resolve('sql.js/dist/sql-wasm.wasm'))}\n` +
        'export async function sqlWasmBinary () { return wasm }\n',
      loader: 'ts',
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
  plugins: [embedSqlWasm, lazyStringWidth, noHelpCache],
  legalComments: 'none',
  minifySyntax: true,
  minifyWhitespace: !process.env.NOMIN,
  keepNames: true,
  logLevel: 'warning'
})
console.error(`build: bundle ${bundlePath} ${(statSync(bundlePath).size / 1e6).toFixed(1)} MB (${Math.round(performance.now() - t0)} ms)`)
if (bundleOnly) process.exit(0)

const blobPath = join(dist, 'sea-prep.blob')
const seaConfig = join(dist, 'sea-config.json')
writeFileSync(seaConfig, JSON.stringify({
  main: bundlePath,
  output: blobPath,
  disableExperimentalSEAWarning: true,
  useCodeCache: true
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
