// The client layer: how the CLI reaches a home's node — the Client interface, its local and
// control-socket implementations, opening a home, and the control API a node owner serves.
export * from './types.js'
export { connectHome, socketPath, FailoverClient, type ConnectOptions } from './connect.js'
export { homeExists, type HomeOptions } from './home.js'
export { LocalClient } from './local.js'
export { SocketClient, NodeGoneError, probeSocket } from './socket.js'
export { ControlApi, type RequestGuard } from './api.js'
export { parseDuration, parsePriority } from './parse.js'
export { readLines, readText, untilStopped, BinaryInputError } from './lines.js'
