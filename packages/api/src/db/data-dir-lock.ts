/**
 * One process at a time per PGlite data directory. PGlite is Postgres compiled to WebAssembly
 * with no shared memory between processes: two processes on one directory each keep their own
 * buffers and overwrite each other's files, so keys revoked by one keep working in the other,
 * keys created by one vanish, and one of two imports is lost though both reported success.
 *
 * The lock is a file, `nrr.lock`, created inside the directory with `O_EXCL` (atomic: of two
 * processes creating it, one gets `EEXIST`). It records the holder's pid, its start time (Linux:
 * `/proc/<pid>/stat`, so a recycled pid is not mistaken for the holder) and host name. A lock
 * whose holder is gone (a `kill -9`, a crash) is taken over by the next process on the same host.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

/** The lock file's name inside the data directory. */
export const LOCK_FILE = 'nrr.lock';

/** Who holds a data directory, as written in its lock file. */
export interface LockHolder {
  readonly pid: number;
  /** Process start time (clock ticks since boot, Linux), or `null` where it cannot be read. */
  readonly startTime: string | null;
  readonly hostname: string;
}

/** Thrown when another live process (or this one) already has the data directory open. */
export class DataDirLocked extends Error {
  readonly code = 'DATA_DIR_LOCKED' as const;
  constructor(
    /** The data directory, absolute. */
    readonly dataDir: string,
    /** Its holder, as recorded in the lock file. */
    readonly holder: LockHolder,
  ) {
    const who =
      holder.pid === process.pid && holder.hostname === hostname()
        ? `this process (pid ${holder.pid})`
        : `process ${holder.pid}${holder.hostname === hostname() ? '' : ` on host ${holder.hostname}`}`;
    super(
      `the PGlite data directory ${dataDir} is in use by ${who}. PGlite allows one process at a time ` +
        "(two would overwrite each other's changes). Stop that process (e.g. the running `pnpm start` or `nrr serve`) " +
        'and run this again, or do this through the running server (its GraphQL API), ' +
        'or set DATABASE_URL to a Postgres server, which any number of processes can share, ' +
        `or set NRR_DATA_DIR to another directory. If no such process exists, remove ${join(dataDir, LOCK_FILE)}.`,
    );
    this.name = 'DataDirLocked';
  }
}

/** A held lock on a data directory. */
export interface DataDirLock {
  /** Removes the lock file if it is still this process's; idempotent. */
  release(): void;
}

/**
 * Takes the lock on `dataDir` (which must exist) for this process, taking over a stale one (its
 * holder no longer runs on this host); throws {@link DataDirLocked} naming the holder otherwise.
 * The lock is released by {@link DataDirLock.release} or, failing that, when the process exits.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const dir = resolve(dataDir);
  const path = join(dir, LOCK_FILE);
  const me = describeProcess(process.pid);
  const text = JSON.stringify(me);
  for (let attempt = 0; ; attempt += 1) {
    try {
      writeFileSync(path, text, { flag: 'wx', mode: 0o600 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const found = readHolder(path);
    if (found === undefined) continue; // removed meanwhile: try again
    if (attempt < 3 && isStale(found.holder)) {
      removeStale(path, found.text);
      continue;
    }
    throw new DataDirLocked(dir, found.holder);
  }
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.removeListener('exit', release);
    try {
      if (readFileSync(path, 'utf8') === text) unlinkSync(path);
    } catch {
      // Already gone: nothing to release.
    }
  };
  // A process that ends without closing its database (process.exit, an uncaught error) leaves no
  // lock behind; one killed outright does, and the next opener finds its holder gone.
  process.on('exit', release);
  return { release };
}

/** This host's description of process `pid`. */
function describeProcess(pid: number): LockHolder {
  return { pid, startTime: startTimeOf(pid), hostname: hostname() };
}

/** Field 22 of `/proc/<pid>/stat` (start time in clock ticks since boot), or `null` off Linux or when gone. */
function startTimeOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count after its end.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

function readHolder(path: string): { holder: LockHolder; text: string } | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockHolder>;
    if (typeof parsed.pid === 'number' && typeof parsed.hostname === 'string') {
      return {
        holder: { pid: parsed.pid, startTime: parsed.startTime ?? null, hostname: parsed.hostname },
        text,
      };
    }
  } catch {
    // Fall through: an unreadable lock (a holder killed while writing it) counts as stale.
  }
  return { holder: { pid: 0, startTime: null, hostname: hostname() }, text };
}

/**
 * Whether the holder is gone: it ran on this host and no process has its pid, or the process that
 * has it now started at another time (the pid was reused). A holder on another host (a shared
 * network directory) is never presumed gone.
 */
function isStale(holder: LockHolder): boolean {
  if (holder.hostname !== hostname()) return false;
  if (holder.pid <= 0) return true;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: the pid runs, as another user.
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
  }
  const now = startTimeOf(holder.pid);
  return holder.startTime !== null && now !== null && now !== holder.startTime;
}

/**
 * Removes a stale lock whose content was `staleText`. It is first renamed aside (atomic), so that
 * of two processes taking over the same stale lock, the second cannot delete the lock the first
 * has just created in its place: if what it moved aside is not the stale lock, it puts it back.
 */
function removeStale(path: string, staleText: string): void {
  const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    if (readFileSync(aside, 'utf8') !== staleText) {
      try {
        linkSync(aside, path);
      } catch {
        // Someone holds a newer lock already; theirs stands.
      }
    }
  } finally {
    unlinkSync(aside);
  }
}
