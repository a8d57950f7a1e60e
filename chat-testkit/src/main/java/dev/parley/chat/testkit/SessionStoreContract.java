package dev.parley.chat.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.parley.chat.core.User;
import dev.parley.chat.core.spi.SessionStore;
import dev.parley.chat.core.spi.StoredSession;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link SessionStore}. Extend it in the test sources of a store implementation:
 *
 * <pre>{@code
 * class MySessionStoreTest extends SessionStoreContract {
 *     @Override
 *     protected ChatStorage createStorage() {
 *         return MyChatStorage.open(freshDatabase()); // empty, and closed after each test
 *     }
 * }
 * }</pre>
 *
 * Sessions belong to users created through the same storage, so foreign keys hold.
 */
public abstract class SessionStoreContract extends StoreContractSupport {
    private static final long MICRO = 1_000;

    /** For subclasses. */
    protected SessionStoreContract() {
    }

    private static StoredSession session(String token, User user, Instant lastSeenAt, Instant expiresAt) {
        return new StoredSession(tokenHash(token), user.id(), T0, lastSeenAt, expiresAt);
    }

    private StoredSession createSession(String token, User user) {
        StoredSession s = session(token, user, T0, at(86_400));
        sessions().create(s);
        return s;
    }

    @Test
    void createThenFindReturnsTheSessionExactly() {
        User u = createUser("alice");
        StoredSession s = new StoredSession(tokenHash("t1"), u.id(), Instant.parse("2026-01-02T03:04:05.123456Z"),
                Instant.parse("2026-01-02T03:05:06.654321Z"), Instant.parse("2026-02-01T03:04:05.000001Z"));

        sessions().create(s);

        assertThat(sessions().find(s.tokenHash())).contains(s);
    }

    @Test
    void findReturnsEmptyForUnknownTokenHash() {
        User u = createUser("alice");
        createSession("t1", u);

        assertThat(sessions().find(tokenHash("other"))).isEmpty();
    }

    @Test
    void findReturnsExpiredSessionsToo() {
        User u = createUser("alice");
        StoredSession expired = session("old", u, at(-10_000), at(-5_000));
        sessions().create(expired);

        assertThat(sessions().find(expired.tokenHash())).contains(expired);
    }

    @Test
    void keepsSeveralSessionsPerUser() {
        User u = createUser("alice");
        StoredSession a = createSession("a", u);
        StoredSession b = createSession("b", u);

        assertThat(sessions().find(a.tokenHash())).contains(a);
        assertThat(sessions().find(b.tokenHash())).contains(b);
    }

    @Test
    void touchMovesLastSeenAtForward() {
        User u = createUser("alice");
        StoredSession s = createSession("t", u);
        Instant later = at(60).plusNanos(7 * MICRO);

        sessions().touch(s.tokenHash(), later);

        StoredSession now = sessions().find(s.tokenHash()).orElseThrow();
        assertThat(now.lastSeenAt()).isEqualTo(later);
        assertThat(now.createdAt()).isEqualTo(s.createdAt());
        assertThat(now.expiresAt()).isEqualTo(s.expiresAt());
        assertThat(now.userId()).isEqualTo(u.id());
    }

    @Test
    void touchNeverMovesLastSeenAtBackwards() {
        User u = createUser("alice");
        StoredSession s = createSession("t", u);
        sessions().touch(s.tokenHash(), at(120));

        sessions().touch(s.tokenHash(), at(60));
        sessions().touch(s.tokenHash(), T0);

        assertThat(sessions().find(s.tokenHash()).orElseThrow().lastSeenAt()).isEqualTo(at(120));
    }

    @Test
    void touchOfUnknownSessionDoesNothing() {
        User u = createUser("alice");
        createSession("t", u);

        assertThatCode(() -> sessions().touch(tokenHash("unknown"), at(60))).doesNotThrowAnyException();

        assertThat(sessions().find(tokenHash("unknown"))).isEmpty();
    }

    @Test
    void concurrentTouchesKeepTheLatestTime() {
        User u = createUser("alice");
        StoredSession s = createSession("t", u);
        int threads = concurrentThreads();
        int perThread = Math.min(operationsPerThread(), 100);

        inParallel(threads, t -> {
            List<Integer> offsets = new ArrayList<>();
            for (int i = 1; i <= perThread; i++) {
                offsets.add(i * threads + t);
            }
            Collections.shuffle(offsets, new Random(t));
            for (int offset : offsets) {
                sessions().touch(s.tokenHash(), at(offset));
            }
            return null;
        });

        assertThat(sessions().find(s.tokenHash()).orElseThrow().lastSeenAt())
                .isEqualTo(at((long) perThread * threads + threads - 1));
    }

    @Test
    void deleteRemovesTheSessionAndIsIdempotent() {
        User u = createUser("alice");
        StoredSession s = createSession("t", u);
        StoredSession other = createSession("other", u);

        assertThat(sessions().delete(s.tokenHash())).isTrue();
        assertThat(sessions().find(s.tokenHash())).isEmpty();
        assertThat(sessions().delete(s.tokenHash())).isFalse();
        assertThat(sessions().find(other.tokenHash())).contains(other);
    }

    @Test
    void deleteOfUnknownSessionReturnsFalse() {
        assertThat(sessions().delete(tokenHash("never"))).isFalse();
    }

    @Test
    void deleteAllForUserDeletesOnlyThatUsersSessions() {
        User alice = createUser("alice");
        User bob = createUser("bob");
        StoredSession a1 = createSession("a1", alice);
        StoredSession a2 = createSession("a2", alice);
        StoredSession a3 = createSession("a3", alice);
        StoredSession b1 = createSession("b1", bob);

        assertThat(sessions().deleteAllForUser(alice.id())).isEqualTo(3);

        assertThat(sessions().find(a1.tokenHash())).isEmpty();
        assertThat(sessions().find(a2.tokenHash())).isEmpty();
        assertThat(sessions().find(a3.tokenHash())).isEmpty();
        assertThat(sessions().find(b1.tokenHash())).contains(b1);
        assertThat(sessions().deleteAllForUser(alice.id())).isZero();
    }

    @Test
    void deleteAllForUserWithoutSessionsReturnsZero() {
        User alice = createUser("alice");
        User bob = createUser("bob");
        createSession("b", bob);

        assertThat(sessions().deleteAllForUser(alice.id())).isZero();
    }

    @Test
    void deleteAllForUserReturningHashesDeletesOnlyThatUsersSessionsAndNamesThem() {
        User alice = createUser("alice");
        User bob = createUser("bob");
        StoredSession a1 = createSession("a1", alice);
        StoredSession a2 = createSession("a2", alice);
        StoredSession b1 = createSession("b1", bob);

        assertThat(sessions().deleteAllForUserReturningHashes(alice.id()))
                .containsExactlyInAnyOrder(a1.tokenHash(), a2.tokenHash());

        assertThat(sessions().find(a1.tokenHash())).isEmpty();
        assertThat(sessions().find(a2.tokenHash())).isEmpty();
        assertThat(sessions().find(b1.tokenHash())).contains(b1);
        assertThat(sessions().deleteAllForUserReturningHashes(alice.id())).isEmpty();
    }

    @Test
    void deleteExpiredRemovesSessionsLastSeenBeforeTheIdleCutoff() {
        User u = createUser("alice");
        Instant cutoff = at(1_000);
        Instant now = at(2_000);
        StoredSession idle = session("idle", u, cutoff.minusNanos(MICRO), at(100_000));
        StoredSession atCutoff = session("at-cutoff", u, cutoff, at(100_000));
        StoredSession fresh = session("fresh", u, cutoff.plusSeconds(1), at(100_000));
        List.of(idle, atCutoff, fresh).forEach(sessions()::create);

        assertThat(sessions().deleteExpired(cutoff, now)).isEqualTo(1);

        assertThat(sessions().find(idle.tokenHash())).isEmpty();
        assertThat(sessions().find(atCutoff.tokenHash())).contains(atCutoff);
        assertThat(sessions().find(fresh.tokenHash())).contains(fresh);
    }

    @Test
    void deleteExpiredRemovesSessionsPastTheirAbsoluteExpiry() {
        User u = createUser("alice");
        Instant cutoff = at(1_000);
        Instant now = at(2_000);
        StoredSession past = session("past", u, at(1_500), now.minusSeconds(1));
        StoredSession exactlyNow = session("now", u, at(1_500), now);
        StoredSession justAfter = session("after", u, at(1_500), now.plusNanos(MICRO));
        List.of(past, exactlyNow, justAfter).forEach(sessions()::create);

        assertThat(sessions().deleteExpired(cutoff, now)).isEqualTo(2);

        assertThat(sessions().find(past.tokenHash())).isEmpty();
        assertThat(sessions().find(exactlyNow.tokenHash())).isEmpty();
        assertThat(sessions().find(justAfter.tokenHash())).contains(justAfter);
    }

    @Test
    void deleteExpiredCountsEachSessionOnceAndKeepsLiveOnes() {
        User alice = createUser("alice");
        User bob = createUser("bob");
        Instant cutoff = at(1_000);
        Instant now = at(2_000);
        sessions().create(session("both", alice, at(10), at(20)));
        sessions().create(session("idle", bob, at(10), at(100_000)));
        sessions().create(session("expired", bob, at(1_900), at(1_999)));
        StoredSession live = session("live", alice, at(1_900), at(100_000));
        sessions().create(live);

        assertThat(sessions().deleteExpired(cutoff, now)).isEqualTo(3);

        assertThat(sessions().find(live.tokenHash())).contains(live);
        assertThat(sessions().deleteExpired(cutoff, now)).isZero();
    }

    @Test
    void deleteExpiredSeesTheTouchedLastSeenAt() {
        User u = createUser("alice");
        StoredSession s = session("t", u, at(10), at(100_000));
        sessions().create(s);
        sessions().touch(s.tokenHash(), at(1_500));

        assertThat(sessions().deleteExpired(at(1_000), at(2_000))).isZero();

        assertThat(sessions().find(s.tokenHash())).isPresent();
    }
}
