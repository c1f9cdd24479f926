/**
 * Masks a real capture before it becomes a fixture (UUIDs, serials, fabric ids, process
 * command lines, PIDs). On a GPU machine:
 *
 *   nvidia-smi -q -x | npx bun scripts/mask-nvidia-smi-capture.ts \
 *     > test/fixtures/nvidia-smi/real/<board>-<driver>-masked.xml
 */
import { readFileSync } from 'node:fs'
import { maskNvidiaSmiCapture } from '../src/gpu/mask-capture.ts'

process.stdout.write(maskNvidiaSmiCapture(readFileSync(0, 'utf8')))
