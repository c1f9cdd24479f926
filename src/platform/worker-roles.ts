/**
 * What a worker thread started from the binary's one entry module (main.ts) is for: each
 * role loads only the modules it needs, so a collector thread never evaluates the server,
 * the detectors or the CLI.
 */
export const DETECT_WORKER = 'odin-detect-worker'
export const COLLECTOR_WORKER = 'odin-collector-worker'
