package dev.parley.chat.store.jooq;

import static dev.parley.chat.store.jooq.internal.generated.Tables.USERS;

import dev.parley.chat.core.ConflictException;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.User;
import dev.parley.chat.core.spi.NewUser;
import dev.parley.chat.core.spi.UserCredentials;
import dev.parley.chat.core.spi.UserStore;
import dev.parley.chat.store.jooq.internal.generated.tables.records.UsersRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

final class UserStoreImpl implements UserStore {
    private static final int CHUNK = 500;

    private final Db db;

    UserStoreImpl(Db db) {
        this.db = db;
    }

    @Override
    public User create(NewUser user) {
        Objects.requireNonNull(user, "user == null");
        long createdAt = Times.toNanos(user.createdAt());
        try {
            long id = db.write("create a user", dsl -> dsl.insertInto(USERS)
                    .set(USERS.USERNAME, user.username())
                    .set(USERS.CANONICAL_NAME, user.canonicalName())
                    .set(USERS.PASSWORD_HASH, user.passwordHash())
                    .set(USERS.CREATED_AT, createdAt)
                    .returningResult(USERS.ID)
                    .fetchSingle()
                    .value1());
            return new User(id, user.username(), user.createdAt());
        } catch (DuplicateKeyException e) {
            throw new ConflictException(ErrorCode.USERNAME_TAKEN, "username is taken");
        }
    }

    @Override
    public Optional<User> findById(long id) {
        // Every WebSocket auth and REST call finds its user by id: fixed SQL, see FixedSql.
        return db.read("find a user", dsl -> FixedSql.queryOne(dsl, FIND_BY_ID, ps -> ps.setLong(1, id),
                rs -> new User(rs.getLong(ID), rs.getString(USERNAME), Times.fromNanos(rs.getLong(CREATED)))));
    }

    private static final String FIND_BY_ID = FixedSql.selectWhere(USERS, USERS.ID);
    private static final int ID = FixedSql.column(USERS, USERS.ID);
    private static final int USERNAME = FixedSql.column(USERS, USERS.USERNAME);
    private static final int CREATED = FixedSql.column(USERS, USERS.CREATED_AT);

    @Override
    public List<User> findByIds(Collection<Long> ids) {
        Objects.requireNonNull(ids, "ids == null");
        List<Long> distinct = ids.stream().filter(Objects::nonNull).distinct().toList();
        List<User> users = new ArrayList<>(distinct.size());
        for (int from = 0; from < distinct.size(); from += CHUNK) {
            List<Long> chunk = distinct.subList(from, Math.min(distinct.size(), from + CHUNK));
            db.read("find users", dsl -> dsl.selectFrom(USERS).where(USERS.ID.in(chunk)).fetch())
                    .forEach(r -> users.add(toUser(r)));
        }
        return users;
    }

    @Override
    public Optional<User> findByCanonicalName(String canonicalName) {
        return findRecord(canonicalName).map(UserStoreImpl::toUser);
    }

    @Override
    public Optional<UserCredentials> findCredentials(String canonicalName) {
        return findRecord(canonicalName).map(r -> new UserCredentials(toUser(r), r.getPasswordHash()));
    }

    @Override
    public boolean updatePasswordHash(long userId, String passwordHash) {
        Objects.requireNonNull(passwordHash, "passwordHash == null");
        return db.write("update a password hash", dsl -> dsl.update(USERS)
                .set(USERS.PASSWORD_HASH, passwordHash)
                .where(USERS.ID.eq(userId))
                .execute()) > 0;
    }

    private Optional<UsersRecord> findRecord(String canonicalName) {
        Objects.requireNonNull(canonicalName, "canonicalName == null");
        return db.read("find a user", dsl -> dsl.selectFrom(USERS)
                .where(USERS.CANONICAL_NAME.eq(canonicalName))
                .fetchOptional());
    }

    private static User toUser(UsersRecord r) {
        return new User(r.getId(), r.getUsername(), Times.fromNanos(r.getCreatedAt()));
    }
}
