import { closeSync, openSync, readSync, statSync } from 'node:fs'
import { dirname } from 'node:path'

/**
 * Reads procfs and sysfs files through descriptors kept open across ticks: preads from
 * offset 0 to the end instead of open, read and close, since the kernel regenerates such a
 * file on every read from offset 0 (the process walk's ProcFiles does the same for /proc/PID).
 *
 * A held descriptor follows its kernel object, not its path: after a rename (`ip link set
 * eth0 name eth1`) it would go on reading the renamed object while a new one takes the old
 * path. So each directory's inode is checked once per tick (its first read after
 * endTick()); a directory that is now another object drops every descriptor under it.
 * A removed object fails its reads (ENODEV, ESRCH): the descriptor is dropped and the path
 * opened afresh, which reports what a plain read would. A file that reads empty is not
 * held: a seq_file that produced nothing stays at its end for a held reader.
 */
export interface HeldFiles {
  /** The file's text; throws the system error (ENOENT, EACCES, ...) a plain read would. */
  read(path: string): string
  /** Ends a tick: descriptors not read during it are closed, directories are re-checked. */
  endTick(): void
  /** Descriptors currently held. */
  size(): number
  close(): void
}

/** Errors meaning "this descriptor's object is gone": open the path again. */
const GONE = new Set(['ENODEV', 'ESRCH', 'ENOENT', 'EBADF', 'ESTALE', 'ENXIO'])

interface Held {
  readonly fd: number
  tick: number
}

interface Dir {
  ino: number
  checkedTick: number
  readonly files: Map<string, Held>
}

/**
 * Reads a file from offset 0 to its end into `buf` (grown when full; the one to keep is
 * returned). Only a read of 0 bytes ends it: a procfs seq_file of many records
 * (/proc/net/tcp, /proc/cpuinfo, mountinfo, diskstats) hands out at most about a page per
 * read, so a short read is not the end.
 */
export function readWhole(fd: number, buf: Buffer): { text: string; buffer: Buffer } {
  let n = 0
  for (;;) {
    if (n === buf.length) {
      const bigger = Buffer.allocUnsafe(buf.length * 2)
      buf.copy(bigger, 0, 0, n)
      buf = bigger
    }
    const got = readSync(fd, buf, n, buf.length - n, n)
    if (got === 0) {
      return { text: buf.toString('utf8', 0, n), buffer: buf }
    }
    n += got
  }
}

const code = (err: unknown) => (err as { code?: string } | null)?.code ?? ''

export function createHeldFiles(budget = 512): HeldFiles {
  let buf: Buffer = Buffer.allocUnsafe(64 * 1024)
  let tick = 0
  let count = 0
  const dirs = new Map<string, Dir>()

  const readAll = (fd: number): string => {
    const { text, buffer } = readWhole(fd, buf)
    buf = buffer
    return text
  }

  const drop = (dir: Dir, path: string, held: Held) => {
    dir.files.delete(path)
    count--
    try {
      closeSync(held.fd)
    } catch {
      // already closed
    }
  }

  const dropAll = (dir: Dir) => {
    for (const [path, held] of dir.files) {
      drop(dir, path, held)
    }
  }

  /** The directory's entry, its identity checked once per tick. */
  const dirFor = (path: string): Dir => {
    const name = dirname(path)
    let dir = dirs.get(name)
    if (dir && dir.checkedTick === tick) {
      return dir
    }
    let ino = -1
    try {
      ino = statSync(name).ino
    } catch {
      // gone: the open below reports it
    }
    if (!dir) {
      dir = { ino, checkedTick: tick, files: new Map() }
      dirs.set(name, dir)
    } else {
      if (dir.ino !== ino) {
        dropAll(dir)
        dir.ino = ino
      }
      dir.checkedTick = tick
    }
    return dir
  }

  return {
    read(path) {
      const dir = dirFor(path)
      const held = dir.files.get(path)
      if (held) {
        held.tick = tick
        try {
          const text = readAll(held.fd)
          if (text !== '') {
            return text
          }
        } catch (err) {
          if (!GONE.has(code(err))) {
            throw err
          }
        }
        drop(dir, path, held)
      }
      const fd = openSync(path, 'r')
      let text: string
      try {
        text = readAll(fd)
      } catch (err) {
        closeSync(fd)
        throw err
      }
      if (text === '' || count >= budget || dir.ino === -1) {
        closeSync(fd)
      } else {
        dir.files.set(path, { fd, tick })
        count++
      }
      return text
    },
    endTick() {
      for (const [name, dir] of dirs) {
        for (const [path, held] of dir.files) {
          if (held.tick !== tick) {
            drop(dir, path, held)
          }
        }
        if (dir.files.size === 0 && dir.checkedTick !== tick) {
          dirs.delete(name)
        }
      }
      tick++
    },
    size: () => count,
    close() {
      for (const dir of dirs.values()) {
        dropAll(dir)
      }
      dirs.clear()
    },
  }
}
