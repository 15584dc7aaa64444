// Churn (issue 16): six members on the built binary; alice's node sends 5 messages/s for
// CHURN_SECONDS (default 120) through a pipe while the other five are stopped and restarted at
// random. Afterwards every member's history holds every message, once. Catch-up (from alice's
// node, or any member that has them) is what closes the gaps.
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { runBinary, tempDir } from '../helpers/cli.js'
import { Proc, freePort } from '../helpers/proc.js'

const SECONDS = Number(process.env.CHURN_SECONDS ?? 120)
const RATE = 5
const MEMBERS = 6

/** A small seeded PRNG (mulberry32) so a failing run can be repeated (CHURN_SEED). */
function rng (seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = seed
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe(`churn: ${MEMBERS} members, random stops and restarts for ${SECONDS} s while one sends ${RATE}/s`, { timeout: (SECONDS + 240) * 1000 }, () => {
  const { dir, cleanup } = tempDir('conclave-churn-')
  const homes = Array.from({ length: MEMBERS }, (_, i) => `${dir}/m${i}`)
  const running = new Map<number, Proc>()
  const all: Proc[] = []
  after(async () => { await Promise.all(all.map(async p => await p.stop())); cleanup() })

  it('ends with every member holding 100 % of the messages, no duplicates', async () => {
    const seed = Number(process.env.CHURN_SEED ?? Date.now() % 100000)
    const random = rng(seed)
    for (const [i, home] of homes.entries()) await runBinary(['init', '--name', `m${i}`, '--home', home])
    const port = await freePort()
    const hubPeer = JSON.parse((await runBinary(['id', '--json', '--home', homes[0]!])).stdout).peerId as string
    const net = ['--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0', '--bootstrap', `/ip4/127.0.0.1/tcp/${port}/p2p/${hubPeer}`]
    await runBinary(['create', 'ops', '--home', homes[0]!])
    const ticket = (await runBinary(['invite', 'ops', '--uses', String(MEMBERS), '--home', homes[0]!, '--listen', `/ip4/127.0.0.1/tcp/${port}`])).stdout.trim()
    const hub = new Proc(['daemon', '-v', '--home', homes[0]!, '--no-mdns', '--listen', `/ip4/127.0.0.1/tcp/${port}`])
    all.push(hub)
    await hub.waitForStderr(/listening on/)
    for (let i = 1; i < MEMBERS; i++) assert.equal((await runBinary(['join', ticket, '--home', homes[i]!, ...net])).code, 0)
    const start = (i: number): Proc => {
      const p = new Proc(['listen', 'ops', '--json', '-v', '--home', homes[i]!, ...net])
      running.set(i, p)
      all.push(p)
      return p
    }
    for (let i = 1; i < MEMBERS; i++) await start(i).waitForStderr(/keys exchanged with/, 30_000)

    // the sender: one pipe through alice's node, a line every 200 ms
    const sender = new Proc(['send', 'ops', '--home', homes[0]!])
    all.push(sender)
    const total = SECONDS * RATE
    let sent = 0
    let stops = 0
    let restarts = 0
    const sending = (async () => {
      for (; sent < total; sent++) {
        sender.write(`churn ${sent}`)
        await new Promise(resolve => setTimeout(resolve, 1000 / RATE))
      }
      sender.child.stdin.end()
    })()
    const churning = (async () => {
      const end = Date.now() + SECONDS * 1000
      while (Date.now() < end) {
        await new Promise(resolve => setTimeout(resolve, 2000 + random() * 4000))
        const i = 1 + Math.floor(random() * (MEMBERS - 1))
        const p = running.get(i)
        if (p !== undefined) { running.delete(i); await p.stop(); stops++ } else { start(i); restarts++ }
      }
    })()
    await Promise.all([sending, churning])
    assert.equal((await sender.exited).code, 0, sender.stderr.join('\n'))
    for (let i = 1; i < MEMBERS; i++) if (!running.has(i)) start(i)

    const expected = Array.from({ length: total }, (_, k) => `churn ${k}`)
    const historyOf = async (i: number): Promise<string[]> => {
      const h = await runBinary(['history', 'ops', '--json', '--limit', String(total + 100), '--home', homes[i]!])
      return h.stdout.trim().split('\n').filter(l => l.includes('"churn ')).map(l => JSON.parse(l).text as string)
    }
    const deadline = Date.now() + 120_000
    const missing = new Map<number, number>()
    for (let i = 0; i < MEMBERS; i++) {
      while (true) {
        const texts = await historyOf(i)
        assert.equal(new Set(texts).size, texts.length, `member ${i} holds a message twice (seed ${seed})`)
        missing.set(i, expected.length - texts.length)
        if (texts.length === expected.length) break
        if (Date.now() > deadline) assert.fail(`member ${i} holds ${texts.length} of ${expected.length} (seed ${seed}, ${stops} stops, ${restarts} restarts)`)
        await new Promise(resolve => setTimeout(resolve, 1000))
      }
    }
    const final = await Promise.all(homes.map(async (_, i) => await historyOf(i)))
    for (const [i, texts] of final.entries()) assert.deepEqual([...texts].sort(), [...expected].sort(), `member ${i}`)
    console.log(JSON.stringify({ churn: { seed, seconds: SECONDS, messages: total, stops, restarts, members: MEMBERS } }))
  })
})
