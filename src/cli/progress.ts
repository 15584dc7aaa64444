// The catch-up progress bar: on a terminal, a large catch-up of this process's node shows as a bar on stderr (cli-progress).
import cliProgress from 'cli-progress'
import type { Client } from '../client/index.js'
import type { CommandContext } from './command.js'

/** Catch-ups smaller than this finish before a bar would be worth drawing. */
const BAR_MIN_ENVELOPES = 200

/**
 * Shows a bar per large catch-up while it runs (stderr a terminal, not --quiet, and this process
 * runs the node). -v logs a line per page instead (the service's own log). Returns the function
 * that stops it.
 */
export function showCatchUpProgress (ctx: CommandContext, client: Client): () => void {
  if (!ctx.io.stderrIsTTY || ctx.globals.quiet || ctx.out.verbosity > 0 || client.onCatchUp === undefined) return () => {}
  const bars = new Map<string, cliProgress.SingleBar>()
  const off = client.onCatchUp(p => {
    const key = `${p.room}:${p.peer}`
    let bar = bars.get(key)
    if (bar === undefined) {
      if (p.done || p.total < BAR_MIN_ENVELOPES) return
      bar = new cliProgress.SingleBar({
        stream: ctx.io.stderr as NodeJS.WritableStream,
        format: `catching up ${p.room} [{bar}] {value}/{total} messages`,
        hideCursor: false,
        clearOnComplete: true,
        noTTYOutput: false
      }, cliProgress.Presets.shades_classic)
      bar.start(p.total, p.received)
      bars.set(key, bar)
    }
    bar.setTotal(p.total)
    bar.update(p.received)
    if (p.done) { bar.stop(); bars.delete(key) }
  })
  return () => {
    off()
    for (const bar of bars.values()) bar.stop()
    bars.clear()
  }
}
