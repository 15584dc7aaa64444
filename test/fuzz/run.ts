// `npm run fuzz`: every target in its own child process (so peak RSS is per target), FUZZ_JOBS at a
// time, FUZZ_RUNS inputs each (default 1,000,000) from FUZZ_SEED; ONE JSON summary on stdout,
// progress on stderr, exit 1 on any escape, wrong accept, uncovered decoder or RSS over the limit.
//   FUZZ_RUNS=1000000  FUZZ_SEED=3405691582  FUZZ_JOBS=2  FUZZ_TARGETS=handshake/,validator  FUZZ_RSS_LIMIT_MB=1024
import { spawn } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { runTarget, type TargetSummary } from './harness.js'
import { allTargets } from './targets/index.js'

export const DEFAULT_SEED = 0xcafebabe
const env = process.env
const runs = Number(env.FUZZ_RUNS ?? 1_000_000)
const seed = Number(env.FUZZ_SEED ?? DEFAULT_SEED)
const jobs = Math.max(1, Number(env.FUZZ_JOBS ?? Math.min(2, availableParallelism())))
const rssLimitMb = Number(env.FUZZ_RSS_LIMIT_MB ?? 1024)
const filters = (env.FUZZ_TARGETS ?? '').split(',').map(s => s.trim()).filter(s => s !== '')

for (const [name, value] of [['FUZZ_RUNS', runs], ['FUZZ_SEED', seed], ['FUZZ_JOBS', jobs], ['FUZZ_RSS_LIMIT_MB', rssLimitMb]] as const) {
  if (!Number.isSafeInteger(value) || value < 0) { process.stderr.write(`fuzz: ${name} must be a non-negative integer\n`); process.exit(2) }
}

/** Child: runs one target and writes its summary as one JSON line. */
async function child (name: string): Promise<void> {
  const { targets } = await allTargets()
  const target = targets.find(t => t.name === name)
  if (target === undefined) throw new Error(`no fuzz target '${name}'`)
  const started = Date.now()
  const summary = await runTarget(target, {
    seed,
    numRuns: runs,
    progress: done => { process.stderr.write(`fuzz: ${name} ${done}/${runs} (${Math.round((Date.now() - started) / 1000)} s)\n`) }
  })
  process.stdout.write(JSON.stringify(summary) + '\n')
}

function runChild (name: string): Promise<TargetSummary | { name: string, error: string }> {
  return new Promise(resolve => {
    const p = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', name], { stdio: ['ignore', 'pipe', 'inherit'], env })
    let out = ''
    p.stdout.setEncoding('utf8').on('data', (d: string) => { out += d })
    p.on('close', code => {
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as TargetSummary)
      } catch {
        resolve({ name, error: `child exited with ${String(code)} without a summary` })
      }
    })
  })
}

async function main (): Promise<void> {
  const { targets, uncovered } = await allTargets()
  const names = targets.map(t => t.name).filter(n => filters.length === 0 || filters.some(f => n.includes(f)))
  const started = performance.now()
  process.stderr.write(`fuzz: ${names.length} targets × ${runs} inputs, seed ${seed}, ${jobs} at a time\n`)
  const results: Array<TargetSummary | { name: string, error: string }> = []
  let next = 0
  await Promise.all(Array.from({ length: Math.min(jobs, names.length) }, async () => {
    while (next < names.length) {
      const name = names[next++]!
      const r = await runChild(name)
      results.push(r)
      process.stderr.write(`fuzz: ${name} done: ${'error' in r ? r.error : `${r.inputs} inputs, ${r.escapes} escapes, ${r.accepts} accepts, ${r.peakRssMb} MB, ${r.seconds} s`}\n`)
    }
  }))
  results.sort((a, b) => names.indexOf(a.name) - names.indexOf(b.name))
  const failed = results.filter(r => 'error' in r || r.escapes > 0 || r.accepts > 0 || r.inputs < runs || r.peakRssMb > rssLimitMb)
  const summary = {
    seed,
    runsPerTarget: runs,
    jobs,
    seconds: Math.round(performance.now() - started) / 1000,
    rssLimitMb,
    uncovered,
    ok: failed.length === 0 && uncovered.length === 0,
    targets: results.map(r => 'error' in r ? r : {
      name: r.name, inputs: r.inputs, escapes: r.escapes, accepts: r.accepts, rejections: r.rejections, ok: r.ok,
      peakRssMb: r.peakRssMb, seconds: r.seconds, slowestMs: r.slowestMs, seeds: r.seeds, validSeeds: r.validSeeds, rejectedAs: r.rejectedAs,
      ...(r.findings.length > 0 ? { findings: r.findings } : {})
    })
  }
  process.stdout.write(JSON.stringify(summary, null, 2) + '\n')
  process.exitCode = summary.ok ? 0 : 1
}

const i = process.argv.indexOf('--child')
if (i >= 0) await child(process.argv[i + 1] ?? '')
else await main()
