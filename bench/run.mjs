// `npm run bench`: runs every bench/*.ts in its own process; each prints one JSON line on stdout.
// Usage: node bench/run.mjs [name ...]   (e.g. `npm run bench -- startup store`)
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const dir = dirname(fileURLToPath(import.meta.url))
const wanted = process.argv.slice(2)
const benches = readdirSync(dir)
  .filter(f => f.endsWith('.ts') && !f.startsWith('lib'))
  .map(f => f.slice(0, -3))
  .filter(name => wanted.length === 0 || wanted.includes(name))
let failed = 0
for (const name of benches) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, `${name}.ts`)], { stdio: ['ignore', 'inherit', 'inherit'] })
  if (r.status !== 0) { failed++; console.error(`bench ${name}: exited ${r.status}`) }
}
process.exit(failed === 0 ? 0 : 1)
