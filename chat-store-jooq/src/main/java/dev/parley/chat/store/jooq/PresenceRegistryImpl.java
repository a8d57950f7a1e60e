package dev.parley.chat.store.jooq;

import static dev.parley.chat.store.jooq.internal.generated.Tables.NODES;
import static dev.parley.chat.store.jooq.internal.generated.Tables.PRESENCE;

import dev.parley.chat.core.spi.PresenceRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * Presence in the {@code presence} and {@code nodes} tables (UNLOGGED on PostgreSQL). Expiry is judged on the
 * database's clock, so nodes' clocks may disagree. A heartbeat also removes, at most once a minute per registry, the
 * rows of nodes expired for more than {@link #CLEANUP_AFTER}.
 */
final class PresenceRegistryImpl implements PresenceRegistry {
    /** How long a node stays expired before its rows are deleted: long enough to outlast a pause and come back. */
    static final Duration CLEANUP_AFTER = Duration.ofMinutes(10);
    private static final long CLEANUP_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** The database's clock in nanoseconds since the epoch (PostgreSQL: microseconds, the transaction's start). */
    private static final Field<Long> POSTGRES_NOW =
            DSL.field("(CAST(EXTRACT(EPOCH FROM now()) * 1000000 AS BIGINT) * 1000)", SQLDataType.BIGINT);
    /** SQLite: milliseconds (julianday's resolution), stable within a statement. */
    private static final Field<Long> SQLITE_NOW =
            DSL.field("(CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) * 1000000)", SQLDataType.BIGINT);

    private final Db db;
    private final AtomicLong lastCleanup;

    PresenceRegistryImpl(Db db) {
        this.db = db;
        this.lastCleanup = new AtomicLong(System.nanoTime() - CLEANUP_EVERY_NANOS);
    }

    @Override
    public void heartbeat(String node, Duration ttl) {
        Objects.requireNonNull(node, "node == null");
        Objects.requireNonNull(ttl, "ttl == null");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive: " + ttl);
        }
        long ttlNanos = ttl.toNanos();
        boolean cleanup = claimCleanup();
        db.write("record a heartbeat", dsl -> {
            Field<Long> expiresAt = now(dsl).plus(ttlNanos);
            dsl.insertInto(NODES)
                    .set(NODES.NODE, node)
                    .set(NODES.EXPIRES_AT, expiresAt)
                    .onConflict(NODES.NODE)
                    .doUpdate()
                    .set(NODES.EXPIRES_AT, expiresAt)
                    .execute();
            if (cleanup) {
                Field<Long> cutoff = now(dsl).minus(CLEANUP_AFTER.toNanos());
                dsl.deleteFrom(PRESENCE)
                        .where(PRESENCE.NODE.in(DSL.select(NODES.NODE).from(NODES).where(NODES.EXPIRES_AT.lt(cutoff))))
                        .execute();
                dsl.deleteFrom(NODES).where(NODES.EXPIRES_AT.lt(cutoff)).execute();
            }
            return null;
        });
    }

    @Override
    public void enter(String node, long roomId, long userId, String username) {
        Objects.requireNonNull(node, "node == null");
        Objects.requireNonNull(username, "username == null");
        db.write("record presence", dsl -> dsl.insertInto(PRESENCE)
                .set(PRESENCE.NODE, node)
                .set(PRESENCE.ROOM_ID, roomId)
                .set(PRESENCE.USER_ID, userId)
                .set(PRESENCE.USERNAME, username)
                .onConflict(PRESENCE.NODE, PRESENCE.ROOM_ID, PRESENCE.USER_ID)
                .doUpdate()
                .set(PRESENCE.USERNAME, username)
                .execute());
    }

    @Override
    public void leave(String node, long roomId, long userId) {
        Objects.requireNonNull(node, "node == null");
        db.write("remove presence", dsl -> dsl.deleteFrom(PRESENCE)
                .where(PRESENCE.NODE.eq(node), PRESENCE.ROOM_ID.eq(roomId), PRESENCE.USER_ID.eq(userId))
                .execute());
    }

    @Override
    public List<Entry> online(long roomId) {
        return db.read("read presence", dsl -> dsl.select(PRESENCE.NODE, PRESENCE.USER_ID, PRESENCE.USERNAME)
                .from(PRESENCE)
                .join(NODES).on(NODES.NODE.eq(PRESENCE.NODE))
                .where(PRESENCE.ROOM_ID.eq(roomId), NODES.EXPIRES_AT.gt(now(dsl)))
                .fetch(r -> new Entry(r.value1(), r.value2(), r.value3())));
    }

    @Override
    public void forget(String node) {
        Objects.requireNonNull(node, "node == null");
        db.write("forget a node", dsl -> {
            dsl.deleteFrom(PRESENCE).where(PRESENCE.NODE.eq(node)).execute();
            return dsl.deleteFrom(NODES).where(NODES.NODE.eq(node)).execute();
        });
    }

    /** Nothing to release: the registry uses its storage's connections, which the storage closes. */
    @Override
    public void close() {
    }

    private static Field<Long> now(DSLContext dsl) {
        return dsl.dialect().family() == SQLDialect.SQLITE ? SQLITE_NOW : POSTGRES_NOW;
    }

    /** True at most once a minute: this heartbeat cleans up. */
    private boolean claimCleanup() {
        long last = lastCleanup.get();
        long now = System.nanoTime();
        return now - last >= CLEANUP_EVERY_NANOS && lastCleanup.compareAndSet(last, now);
    }
}
