package dev.parley.chat.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on {@code <database>.lock}, beside the SQLite file, held for as long as the server runs, so that
 * a second server on the same file fails at start-up instead of running beside the first. (SQLite itself would let
 * both write; but each server's fan-out reaches only its own clients, so neither would see the other's messages
 * live, and SQLite stays single-node: {@code docs/scaling.md}.)
 *
 * <p>The lock is the operating system's ({@link FileChannel#tryLock()}): it ends with the process however that ends,
 * so a lock file left behind by a crash is harmless and never needs deleting. The file holds the holder's process id,
 * for the message a second server prints.
 */
final class SqliteLock implements AutoCloseable {
    private static final String ANOTHER = "another Parley process";

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private SqliteLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock file of a database: {@code parley.db} → {@code parley.db.lock}. */
    static Path lockFile(Path database) {
        Path absolute = database.toAbsolutePath().normalize();
        return absolute.resolveSibling(absolute.getFileName() + ".lock");
    }

    /**
     * Takes the lock of {@code database}, creating the lock file (and its directory) if needed.
     *
     * @param database the SQLite file
     * @return the held lock
     * @throws IOException if another process (or another server in this one) holds it, with a message naming the
     *     database and the lock file; or if the lock file cannot be created
     */
    static SqliteLock acquire(Path database) throws IOException {
        Path file = lockFile(database);
        Files.createDirectories(file.getParent());
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // another server in this JVM holds it
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            String holder = holder(channel);
            channel.close();
            throw new IOException("the SQLite database " + database.toAbsolutePath().normalize()
                    + " is in use by " + holder + ", which holds the lock " + file
                    + ". Stop that server first, or give this one its own PARLEY_DB_URL.");
        }
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
                    0);
            channel.force(false);
        } catch (IOException e) {
            lock.release();
            channel.close();
            throw e;
        }
        return new SqliteLock(file, channel, lock);
    }

    /** {@code "another Parley process (pid 1234)"}, the pid as the lock file says if it can be read. */
    private static String holder(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(32);
            channel.read(buffer, 0);
            String pid = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip();
            if (!pid.matches("[0-9]{1,19}")) {
                return ANOTHER;
            }
            return pid.equals(Long.toString(ProcessHandle.current().pid()))
                    ? "another Parley server in this process (pid " + pid + ")"
                    : ANOTHER + " (pid " + pid + ")";
        } catch (IOException e) {
            return ANOTHER; // some systems do not let anyone read a locked region
        }
    }

    /** The lock file. */
    Path file() {
        return file;
    }

    /** Releases the lock (the file stays: deleting it could race with a server that is taking it). */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // the channel's close below releases it too
        }
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }
}
