// The store's single-writer lock: a live holder is reported, a dead one's lock is taken over.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { Store } from '../../src/store/db.js'
import { MIGRATIONS } from '../../src/store/schema.js'
import { loadSqlJs, type SqlJsStatic } from '../../src/store/sqljs.js'
import { exited, firstLine, removeDir, spawnFixture, tempDir } from '../fixtures/store-helpers.js'

let sqlJs: SqlJsStatic
let dir: string
let n = 0
before(async () => {
  sqlJs = await loadSqlJs()
  dir = tempDir()
})
after(() => removeDir(dir))

const freshPath = (): string => join(dir, `case-${++n}`, 'store.db')

/** The pid of a process that has exited. */
function deadPid (): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'])
  return Number(r.stdout.toString())
}

function writeLock (path: string, owner: Record<string, unknown>): void {
  fs.mkdirSync(join(path, '..'), { recursive: true })
  fs.writeFileSync(`${path}.lock`, JSON.stringify(owner) + '\n', { mode: 0o600 })
}

describe('Store lock', () => {
  it('refuses a second writer while another process holds the store', async () => {
    const path = freshPath()
    const child = spawnFixture('store-holder.ts', [path])
    try {
      assert.equal(await firstLine(child), 'ready')
      await assert.rejects(Store.open({ sqlJs }, { path, migrations: MIGRATIONS }), (err: Error & { hint?: string, exitCode?: number }) => {
        assert.equal(err.name, 'StoreLockedError')
        assert.equal(err.message, `the store at ${path} is in use by process ${child.pid!}`)
        assert.equal(err.exitCode, 1)
        assert.match(err.hint ?? '', /one-shot command.*If no conclave process is running, delete /)
        return true
      })
      // Reading beside the writer works.
      const reader = await Store.open({ sqlJs }, { path, migrations: MIGRATIONS, readOnly: true })
      assert.equal(reader.schemaVersion, MIGRATIONS[MIGRATIONS.length - 1]!.version)
      reader.close()
    } finally {
      child.stdin.end()
      assert.equal(await exited(child), 0)
    }
    assert.equal(fs.existsSync(`${path}.lock`), false, 'the holder released its lock at close')
    ;(await Store.open({ sqlJs }, { path, migrations: MIGRATIONS })).close()
  })

  it('refuses a second open of the same store in the same process', async () => {
    const path = freshPath()
    const store = await Store.open({ sqlJs }, { path, migrations: MIGRATIONS })
    await assert.rejects(Store.open({ sqlJs }, { path, migrations: MIGRATIONS }),
      { name: 'StoreLockedError', message: `the store at ${path} is in use by process ${process.pid} (this process)` })
    store.close()
  })

  it('takes over the lock of a process that no longer runs', async () => {
    const path = freshPath()
    const pid = deadPid()
    writeLock(path, { pid, host: hostname(), started: Date.now() - 60_000, nonce: 'dead' })
    const store = await Store.open({ sqlJs }, { path, migrations: MIGRATIONS })
    const owner = JSON.parse(fs.readFileSync(`${path}.lock`, 'utf8')) as { pid: number }
    assert.equal(owner.pid, process.pid)
    store.close()
    assert.equal(fs.existsSync(`${path}.lock`), false)
    assert.deepEqual(fs.readdirSync(join(path, '..')).sort(), ['store.db', 'store.db.journal'])
  })

  it('takes over a lock left by an earlier process that had our pid', async () => {
    const path = freshPath()
    writeLock(path, { pid: process.pid, host: hostname(), started: Date.now() - 3_600_000, nonce: 'old' })
    ;(await Store.open({ sqlJs }, { path, migrations: MIGRATIONS })).close()
  })

  it('reports a lock held on another host, and takes over an old unreadable lock', async () => {
    const path = freshPath()
    writeLock(path, { pid: 4242, host: 'elsewhere.example', started: Date.now(), nonce: 'x' })
    await assert.rejects(Store.open({ sqlJs }, { path, migrations: MIGRATIONS }),
      { name: 'StoreLockedError', message: `the store at ${path} is in use by process 4242 on host elsewhere.example` })
    fs.writeFileSync(`${path}.lock`, '')
    await assert.rejects(Store.open({ sqlJs }, { path, migrations: MIGRATIONS }),
      { name: 'StoreLockedError', message: `the store at ${path} is in use by another process (its lock file is being written)` })
    const old = new Date(Date.now() - 60_000)
    fs.utimesSync(`${path}.lock`, old, old)
    ;(await Store.open({ sqlJs }, { path, migrations: MIGRATIONS })).close()
  })

  it('never removes a lock that is not its own', async () => {
    const path = freshPath()
    const store = await Store.open({ sqlJs }, { path, migrations: MIGRATIONS })
    const theirs = JSON.stringify({ pid: 1, host: hostname(), started: 0, nonce: 'theirs' }) + '\n'
    fs.writeFileSync(`${path}.lock`, theirs)
    store.close()
    assert.equal(fs.readFileSync(`${path}.lock`, 'utf8'), theirs)
  })
})
