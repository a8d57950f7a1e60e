package dev.parley.chat.store.jooq;

import static dev.parley.chat.store.jooq.internal.generated.Tables.SESSIONS;

import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.spi.SessionStore;
import dev.parley.chat.core.spi.StoredSession;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jooq.impl.DSL;

final class SessionStoreImpl implements SessionStore {
    private final Db db;

    SessionStoreImpl(Db db) {
        this.db = db;
    }

    @Override
    public void create(StoredSession session) {
        Objects.requireNonNull(session, "session == null");
        long createdAt = Times.toNanos(session.createdAt());
        long lastSeenAt = Times.toNanos(session.lastSeenAt());
        long expiresAt = Times.toNanos(session.expiresAt());
        try {
            db.write("create a session", dsl -> dsl.insertInto(SESSIONS)
                    .set(SESSIONS.TOKEN_HASH, session.tokenHash())
                    .set(SESSIONS.USER_ID, session.userId())
                    .set(SESSIONS.CREATED_AT, createdAt)
                    .set(SESSIONS.LAST_SEEN_AT, lastSeenAt)
                    .set(SESSIONS.EXPIRES_AT, expiresAt)
                    .execute());
        } catch (DuplicateKeyException e) {
            // 256 random bits clashed: a bug in the caller, per the contract.
            throw ChatException.of(ErrorCode.INTERNAL_ERROR, "session token hash already stored");
        }
    }

    @Override
    public Optional<StoredSession> find(String tokenHash) {
        Objects.requireNonNull(tokenHash, "tokenHash == null");
        // Every WebSocket auth and REST call looks its session up: fixed SQL, see FixedSql.
        return db.read("find a session", dsl -> FixedSql.queryOne(dsl, FIND, ps -> ps.setString(1, tokenHash),
                rs -> new StoredSession(rs.getString(HASH), rs.getLong(USER), Times.fromNanos(rs.getLong(CREATED)),
                        Times.fromNanos(rs.getLong(SEEN)), Times.fromNanos(rs.getLong(EXPIRES)))));
    }

    private static final String FIND = FixedSql.selectWhere(SESSIONS, SESSIONS.TOKEN_HASH);
    private static final int HASH = FixedSql.column(SESSIONS, SESSIONS.TOKEN_HASH);
    private static final int USER = FixedSql.column(SESSIONS, SESSIONS.USER_ID);
    private static final int CREATED = FixedSql.column(SESSIONS, SESSIONS.CREATED_AT);
    private static final int SEEN = FixedSql.column(SESSIONS, SESSIONS.LAST_SEEN_AT);
    private static final int EXPIRES = FixedSql.column(SESSIONS, SESSIONS.EXPIRES_AT);

    @Override
    public void touch(String tokenHash, Instant lastSeenAt) {
        Objects.requireNonNull(tokenHash, "tokenHash == null");
        long seen = Times.toNanos(lastSeenAt);
        // greatest() (max() on SQLite) keeps concurrent or late touches from moving the value backwards.
        db.write("touch a session", dsl -> dsl.update(SESSIONS)
                .set(SESSIONS.LAST_SEEN_AT, DSL.greatest(SESSIONS.LAST_SEEN_AT, DSL.val(seen)))
                .where(SESSIONS.TOKEN_HASH.eq(tokenHash))
                .execute());
    }

    @Override
    public boolean delete(String tokenHash) {
        Objects.requireNonNull(tokenHash, "tokenHash == null");
        return db.write("delete a session",
                dsl -> dsl.deleteFrom(SESSIONS).where(SESSIONS.TOKEN_HASH.eq(tokenHash)).execute()) > 0;
    }

    @Override
    public int deleteAllForUser(long userId) {
        return db.write("delete a user's sessions",
                dsl -> dsl.deleteFrom(SESSIONS).where(SESSIONS.USER_ID.eq(userId)).execute());
    }

    @Override
    public List<String> deleteAllForUserReturningHashes(long userId) {
        // one transaction: the hashes returned are exactly the rows deleted
        return db.write("delete a user's sessions", dsl -> {
            List<String> hashes = dsl.select(SESSIONS.TOKEN_HASH).from(SESSIONS).where(SESSIONS.USER_ID.eq(userId))
                    .fetch(SESSIONS.TOKEN_HASH);
            if (!hashes.isEmpty()) {
                dsl.deleteFrom(SESSIONS).where(SESSIONS.TOKEN_HASH.in(hashes)).execute();
            }
            return hashes;
        });
    }

    @Override
    public int deleteExpired(Instant idleCutoff, Instant now) {
        long cutoff = Times.toNanos(idleCutoff);
        long current = Times.toNanos(now);
        return db.write("delete expired sessions", dsl -> dsl.deleteFrom(SESSIONS)
                .where(SESSIONS.LAST_SEEN_AT.lt(cutoff).or(SESSIONS.EXPIRES_AT.le(current)))
                .execute());
    }
}
