package dev.parley.chat.store.jooq;

/**
 * How hard the SQLite writer pushes each commit to disk ({@code PRAGMA synchronous}; the database is always in WAL
 * mode). Either way a commit is atomic, and a crash of the process loses nothing that was acknowledged; they differ
 * after a power loss or an operating-system crash.
 */
public enum SqliteSynchronous {
    /**
     * The WAL is synced at checkpoints, not at each commit: the fastest. A power loss may roll back the last commits
     * before it, although they were acknowledged; their sequence and change numbers are then handed out again to new
     * messages. A client that had seen them and resumes is answered {@code resync_required} while its position is
     * still ahead of the store's.
     */
    NORMAL,
    /**
     * The WAL is synced at every commit (once per group-commit batch) before any write of it is acknowledged: an
     * acknowledged write survives a power loss. Costs one sync per batch.
     */
    FULL
}
