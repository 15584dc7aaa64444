// The architecture as a test: data flows cli → client → room → crypto / wire / transport, with
// store beside; the CLI reaches the rest only through the client seam (and room's pure helpers).
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { it } from 'node:test'
import { ROOT } from '../helpers/cli.js'

const SRC = join(ROOT, 'src')

function files (dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String).filter(f => f.endsWith('.ts')).map(f => join(dir, f))
}

/** Every module path FILE imports (static and dynamic), resolved to a path under src/. */
function imports (file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const found = [...text.matchAll(/(?:from|import\()\s*'(\.[^']+)'/g)].map(m => m[1]!)
  return found.map(p => relative(SRC, join(file, '..', p)))
}

it('src/cli imports no transport, store or wire module', () => {
  const bad = files(join(SRC, 'cli')).flatMap(f => imports(f).filter(p => /^(transport|store|wire)\//.test(p)).map(p => `${relative(SRC, f)} → ${p}`))
  assert.deepEqual(bad, [])
})

it('crypto, wire, transport and store import none of each other, nor room, client or cli', () => {
  const lower = ['crypto', 'wire', 'transport', 'store']
  const bad: string[] = []
  for (const layer of lower) {
    for (const f of files(join(SRC, layer))) {
      for (const p of imports(f)) {
        const top = p.split('/')[0]!
        if (p.includes('/') && top !== layer && [...lower, 'room', 'client', 'cli'].includes(top)) bad.push(`${relative(SRC, f)} → ${p}`)
      }
    }
  }
  assert.deepEqual(bad, [])
})

it('room imports neither client nor cli; client imports no cli', () => {
  const bad = [
    ...files(join(SRC, 'room')).flatMap(f => imports(f).filter(p => /^(client|cli)\//.test(p)).map(p => `${relative(SRC, f)} → ${p}`)),
    ...files(join(SRC, 'client')).flatMap(f => imports(f).filter(p => /^cli\//.test(p)).map(p => `${relative(SRC, f)} → ${p}`))
  ]
  assert.deepEqual(bad, [])
})
