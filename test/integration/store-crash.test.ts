// kill -9 during a burst of appends (and during snapshots), and of commits: every acknowledged message survives, the db stays sound.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import { join } from 'node:path'
import { after, before, it } from 'node:test'
import { Store } from '../../src/store/db.js'
import { History } from '../../src/store/history.js'
import { MIGRATIONS } from '../../src/store/schema.js'
import { loadSqlJs, type SqlJsStatic } from '../../src/store/sqljs.js'
import { exited, message, removeDir, spawnFixture, tempDir } from '../fixtures/store-helpers.js'

const PREFILL = 20_000
/** Tiny: the child snapshots every ~100 appends, and a snapshot of the prefilled store takes a while. */
const THRESHOLD = 64 * 1024
/** A gap in the child's acks this long means it is inside a snapshot (an append takes well under 1 ms). */
const PAUSE_MS = 4

let sqlJs: SqlJsStatic
let dir: string
before(async () => {
  sqlJs = await loadSqlJs()
  dir = tempDir('conclave-store-crash-')
})
after(() => removeDir(dir))

type KillAt = 'append' | 'export' | 'write'
/** Where each round aims its kill -9. */
const PLAN: KillAt[] = ['append', 'export', 'write', 'append', 'write']

/**
 * Run the appending child until it has acknowledged at least KILLAFTER ids, then SIGKILL it:
 * 'append': at once (most likely mid-append); 'export': at the first gap of PAUSE_MS in its acks
 * (only a snapshot stops it that long, and a snapshot starts with the in-memory export);
 * 'write': as soon as the snapshot's temp file appears. Returns every id it acknowledged.
 */
async function burst (path: string, killAfter: number, at: KillAt, mode = 'append'): Promise<string[]> {
  const child = spawnFixture('store-crash-child.ts', [path, String(THRESHOLD), mode])
  const acked: string[] = []
  let partial = ''
  let stderr = ''
  let timer: NodeJS.Timeout | undefined
  let poll: NodeJS.Timeout | undefined
  const kill = (): void => { if (child.signalCode === null) child.kill('SIGKILL') }
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  child.stdout.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n')
    partial = lines.pop()!
    acked.push(...lines)
    if (acked.length < killAfter) return
    if (at === 'append') {
      kill()
    } else if (at === 'export') {
      clearTimeout(timer)
      timer = setTimeout(kill, PAUSE_MS)
    } else {
      poll ??= setInterval(() => { if (fs.existsSync(`${path}.tmp`)) kill() }, 1)
    }
  })
  const closed = new Promise(resolve => child.stdout.on('close', resolve))
  await exited(child)
  await closed
  clearTimeout(timer)
  clearInterval(poll)
  assert.equal(child.signalCode, 'SIGKILL', `child ended by itself: ${stderr}`)
  return acked
}

it('keeps every acknowledged append across kill -9, including kills during snapshots', { timeout: 300_000 }, async (t) => {
  const path = join(dir, 'store.db')
  const prefill = await Store.open({ sqlJs }, { path, migrations: MIGRATIONS })
  const room = randomBytes(32)
  for (let i = 0; i < PREFILL; i += 5000) new History({ store: prefill }).appendMany(Array.from({ length: 5000 }, (_, j) => message(room, i + j)))
  prefill.close()

  const allAcked: string[] = []
  let evidence = 0
  for (const [round, at] of PLAN.entries()) {
    const acked = await burst(path, 300 + round * 37, at)
    allAcked.push(...acked)
    // Evidence on disk of a kill inside a snapshot's file phase: a temp file, or a journal of an older generation.
    const journalGeneration = fs.readFileSync(`${path}.journal`).readUInt32LE(12)
    const snapshotGeneration = fs.readFileSync(path).readInt32BE(60)
    if (fs.existsSync(`${path}.tmp`) || fs.existsSync(`${path}.journal.tmp`) || journalGeneration < snapshotGeneration) evidence++

    const store = await Store.open({ sqlJs }, { path, migrations: MIGRATIONS }) // takes over the dead child's lock
    const history = new History({ store })
    const missing = allAcked.filter(id => !history.has(Buffer.from(id, 'hex')))
    assert.deepEqual(missing, [], `round ${round}: acknowledged ids missing after kill -9`)
    assert.deepEqual(store.all('PRAGMA integrity_check'), [{ integrity_check: 'ok' }])
    assert.ok(history.count() >= PREFILL + allAcked.length, `round ${round}: ${history.count()} stored, ${PREFILL + allAcked.length} acknowledged`)
    assert.equal(new Set(allAcked).size, allAcked.length)
    store.close()
  }
  t.diagnostic(`${allAcked.length} acknowledged appends over ${PLAN.length} kills (${PLAN.join(', ')}); ` +
    `${evidence} left a snapshot half-done on disk`)
})

it('keeps every message acknowledged by commit() (journaled, applied and fsynced later) across kill -9', { timeout: 300_000 }, async (t) => {
  const path = join(dir, 'commit.db')
  const allAcked: string[] = []
  for (let round = 0; round < 4; round++) {
    allAcked.push(...await burst(path, 200 + round * 53, 'append', 'commit'))
    const store = await Store.open({ sqlJs }, { path, migrations: MIGRATIONS })
    const history = new History({ store })
    const missing = allAcked.filter(id => !history.has(Buffer.from(id, 'hex')))
    assert.deepEqual(missing, [], `round ${round}: acknowledged ids missing after kill -9`)
    assert.deepEqual(store.all('PRAGMA integrity_check'), [{ integrity_check: 'ok' }])
    store.close()
  }
  t.diagnostic(`${allAcked.length} commits acknowledged over 4 kills`)
})
