// `conclave daemon`: the home's node in the foreground, joined to all rooms, serving the control
// API on a Unix socket (0600) in the home; every other command of the home goes through it. If a
// `listen` or `chat` runs the node now, the daemon takes over when that exits.
import { ConclaveError, UsageError } from '../../errors.js'
import { defineCommand } from '../command.js'
import { untilSignal } from '../signals.js'

export const daemonCommand = defineCommand({
  command: 'daemon',
  describe: 'run the node in the foreground, joined to all rooms, serving a local control socket',
  builder: y => y
    .option('http', { type: 'string', describe: 'also serve the API on HOST:PORT (always with a bearer token: --token, or one generated into http.token in the home)' })
    .option('token', { type: 'string', describe: 'bearer token (16+ characters) required on --http (use CONCLAVE_TOKEN to keep it off the command line)' })
    .example('$0 daemon', 'then `conclave send ops hi` goes through it in a few milliseconds')
    .example('$0 daemon --http 127.0.0.1:8080', 'the API on TCP too, for clients sending "Authorization: Bearer $(cat ~/.local/share/conclave/http.token)"')
    .example('curl --unix-socket ~/.local/share/conclave/conclave.sock -d "disk full" http://localhost/ops', 'publish with curl (headers Title, Priority, Tags)'),
  async run (ctx, args: { http?: string, token?: string }) {
    const http = args.http === undefined ? undefined : parseHostPort(args.http)
    const { MIN_TOKEN_LENGTH } = await import('../../client/http-guard.js')
    if (http !== undefined && args.token !== undefined && (args.token.length < MIN_TOKEN_LENGTH || /\s/.test(args.token))) {
      throw new UsageError(`--token (or CONCLAVE_TOKEN) must be at least ${MIN_TOKEN_LENGTH} characters, without spaces`, { hint: 'leave it out and the daemon generates one in http.token in its home' })
    }
    const { withClient } = await import('../connect.js')
    const { LocalClient } = await import('../../client/local.js')
    await withClient(ctx, { need: 'network', owner: 'daemon', create: true }, async client => {
      if (!(client instanceof LocalClient) || client.api === undefined || client.service === undefined) throw new ConclaveError('the daemon could not take over the node')
      if (http !== undefined) {
        // TCP is reachable by every local user (and more): a bearer token always, and only
        // requests that name this listener (DNS rebinding) and come from no other web origin.
        const { guard, loadOrCreateToken, tcpListener } = await import('../../client/http-guard.js')
        const generated = args.token === undefined ? loadOrCreateToken(ctx.globals.home) : undefined
        const token = args.token ?? generated!.token
        let listener = tcpListener(http.host, http.port)
        const where = await client.api.listenTcp(http.host, http.port, req => guard(req, listener, token))
        listener = tcpListener(http.host, where.port)
        const which = generated === undefined ? 'the one given' : `${generated.created ? 'generated in' : 'see'} ${generated.path}`
        ctx.out.info(`conclave: HTTP API on http://${listener.display} (bearer token required: ${which})`)
      }
      const status = await client.status({ waitMs: 0 })
      ctx.out.info(`conclave: daemon for ${client.service.identity.name} on ${ctx.globals.home}/conclave.sock (${status.rooms.length} room(s)); peer ${status.peerId}`)
      const signal = await untilSignal()
      ctx.out.info(`conclave: ${signal}: leaving`)
    })
  }
})

function parseHostPort (text: string): { host: string, port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(text)
  const port = Number(m?.[3])
  if (m === null || !Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--http expects HOST:PORT, e.g. 127.0.0.1:8080, got '${text}'`)
  return { host: m[1] ?? m[2]!, port }
}
