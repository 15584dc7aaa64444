// Loading sql.js: one SqlJsStatic per call, handed to Store.open as a component.
import initSqlJs, { type SqlJsStatic } from 'sql.js'
import { sqlWasmBinary } from './wasm.js'

export type { SqlJsStatic }

/**
 * Compile and instantiate sql.js from the embedded (or, in development, installed) wasm binary.
 * Call it once per process (the CLI entry point, a test file) and share the result: every
 * Store opened from it lives in the same WebAssembly instance.
 */
export async function loadSqlJs (): Promise<SqlJsStatic> {
  const binary = await sqlWasmBinary()
  // The emscripten typings say ArrayBuffer; any BufferSource works. Hand over exactly the bytes.
  const wasmBinary = binary.buffer.slice(binary.byteOffset, binary.byteOffset + binary.byteLength) as ArrayBuffer
  return initSqlJs({ wasmBinary })
}
