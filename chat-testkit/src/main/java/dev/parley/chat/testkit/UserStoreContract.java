package dev.parley.chat.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.ConflictException;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.User;
import dev.parley.chat.core.spi.NewUser;
import dev.parley.chat.core.spi.UserCredentials;
import dev.parley.chat.core.spi.UserStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link UserStore}. Extend it in the test sources of a store implementation:
 *
 * <pre>{@code
 * class MyUserStoreTest extends UserStoreContract {
 *     @Override
 *     protected ChatStorage createStorage() {
 *         return MyChatStorage.open(freshDatabase()); // empty, and closed after each test
 *     }
 * }
 * }</pre>
 *
 * Every test gets a new storage from {@link #createStorage()}; users are created through it.
 */
public abstract class UserStoreContract extends StoreContractSupport {
    /** For subclasses. */
    protected UserStoreContract() {
    }

    @Test
    void freshStorageReportsHealthy() {
        assertThatCode(() -> storage().checkHealth()).doesNotThrowAnyException();
    }

    @Test
    void createReturnsUserWithUsernameAndCreatedAtExactlyAsGiven() {
        User u = users().create(new NewUser("Alice", "alice", "h", T0));

        assertThat(u.id()).isPositive();
        assertThat(u.username()).isEqualTo("Alice");
        assertThat(u.createdAt()).isEqualTo(T0);
    }

    @Test
    void createAssignsDistinctPositiveIds() {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(createUser("user" + i).id());
        }

        assertThat(ids).doesNotHaveDuplicates().allSatisfy(id -> assertThat(id).isPositive());
    }

    @Test
    void rejectsDuplicateCanonicalUsername() {
        User first = users().create(new NewUser("Alice", "alice", "h1", T0));

        ChatException e = catchChatException(() -> users().create(new NewUser("ALICE", "alice", "h2", at(1))));

        assertThat(e).isInstanceOf(ConflictException.class);
        assertThat(e.code()).isEqualTo(ErrorCode.USERNAME_TAKEN);
        assertThat(users().findByCanonicalName("alice")).contains(first);
        assertThat(users().findCredentials("alice")).map(UserCredentials::passwordHash).contains("h1");
    }

    @Test
    void allowsDifferentCanonicalNames() {
        User a = users().create(new NewUser("bob", "bob", "h", T0));
        User b = users().create(new NewUser("bob2", "bob2", "h", T0));

        assertThat(a.id()).isNotEqualTo(b.id());
    }

    @Test
    void concurrentCreatesOfTheSameCanonicalNameLetExactlyOneSucceed() {
        int threads = concurrentThreads();
        int rounds = 5;
        List<List<Object>> outcomes = inParallel(threads, t -> {
            List<Object> mine = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                String display = (t % 2 == 0 ? "Racer" : "RACER") + r + "_" + t;
                try {
                    mine.add(users().create(new NewUser(display, "racer" + r, "h", T0)));
                } catch (ChatException e) {
                    mine.add(e);
                }
            }
            return mine;
        });

        for (int r = 0; r < rounds; r++) {
            int round = r;
            List<Object> results = outcomes.stream().map(l -> l.get(round)).toList();
            List<User> winners = results.stream().filter(User.class::isInstance).map(User.class::cast).toList();
            assertThat(winners).as("winners of racer%d", r).hasSize(1);
            assertThat(results.stream().filter(ChatException.class::isInstance).map(ChatException.class::cast))
                    .hasSize(threads - 1)
                    .allSatisfy(e -> assertThat(e.code()).isEqualTo(ErrorCode.USERNAME_TAKEN));
            assertThat(users().findByCanonicalName("racer" + r)).contains(winners.get(0));
        }
    }

    @Test
    void findByIdReturnsTheCreatedUser() {
        User u = createUser("carol");

        assertThat(users().findById(u.id())).contains(u);
    }

    @Test
    void findByIdReturnsEmptyForUnknownId() {
        User u = createUser("carol");

        assertThat(users().findById(u.id() + 1000)).isEmpty();
        assertThat(users().findById(0)).isEmpty();
        assertThat(users().findById(-1)).isEmpty();
    }

    @Test
    void findByIdsReturnsKnownUsersAndSkipsUnknownIds() {
        User a = createUser("anna");
        User b = createUser("ben");
        User c = createUser("cleo");

        List<User> found = users().findByIds(List.of(c.id(), a.id(), c.id() + 1000));

        assertThat(found).containsExactlyInAnyOrder(a, c).doesNotContain(b);
    }

    @Test
    void findByIdsWithNoIdsReturnsEmpty() {
        createUser("anna");

        assertThat(users().findByIds(List.of())).isEmpty();
    }

    @Test
    void findByIdsResolvesManyIdsAtOnce() {
        List<User> created = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            created.add(createUser("member" + i));
        }

        List<User> found = users().findByIds(created.stream().map(User::id).toList());

        assertThat(found).containsExactlyInAnyOrderElementsOf(created);
    }

    @Test
    void findByCanonicalNameReturnsTheUser() {
        User u = users().create(new NewUser("Dave", "dave", "h", T0));

        assertThat(users().findByCanonicalName("dave")).contains(u);
    }

    @Test
    void findByCanonicalNameMatchesExactlyWithoutNormalising() {
        users().create(new NewUser("Dave", "dave", "h", T0));

        assertThat(users().findByCanonicalName("Dave")).isEmpty();
        assertThat(users().findByCanonicalName("DAVE")).isEmpty();
        assertThat(users().findByCanonicalName("dav")).isEmpty();
        assertThat(users().findByCanonicalName("nobody")).isEmpty();
    }

    @Test
    void findCredentialsReturnsUserAndPasswordHash() {
        User u = users().create(new NewUser("Erin", "erin", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", T0));

        Optional<UserCredentials> c = users().findCredentials("erin");

        assertThat(c).isPresent();
        assertThat(c.get().user()).isEqualTo(u);
        assertThat(c.get().passwordHash()).isEqualTo("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA");
    }

    @Test
    void findCredentialsReturnsNullHashForPasswordlessUser() {
        User u = users().create(new NewUser("Frank", "frank", null, T0));

        Optional<UserCredentials> c = users().findCredentials("frank");

        assertThat(c).isPresent();
        assertThat(c.get().user()).isEqualTo(u);
        assertThat(c.get().passwordHash()).isNull();
    }

    @Test
    void findCredentialsReturnsEmptyForUnknownName() {
        createUser("gina");

        assertThat(users().findCredentials("nobody")).isEmpty();
        assertThat(users().findCredentials("Gina")).isEmpty();
    }

    @Test
    void updatePasswordHashReplacesTheHash() {
        User u = createUser("hank");

        assertThat(users().updatePasswordHash(u.id(), "new-hash")).isTrue();

        assertThat(users().findCredentials("hank")).map(UserCredentials::passwordHash).contains("new-hash");
        assertThat(users().findById(u.id())).contains(u);
    }

    @Test
    void updatePasswordHashGivesAPasswordlessUserAPassword() {
        User u = users().create(new NewUser("Ivy", "ivy", null, T0));

        assertThat(users().updatePasswordHash(u.id(), "first-hash")).isTrue();

        assertThat(users().findCredentials("ivy")).map(UserCredentials::passwordHash).contains("first-hash");
    }

    @Test
    void updatePasswordHashLeavesOtherUsersAlone() {
        User a = createUser("jack");
        createUser("jill");

        users().updatePasswordHash(a.id(), "changed");

        assertThat(users().findCredentials("jill")).map(UserCredentials::passwordHash).contains("hash-of-jill");
    }

    @Test
    void updatePasswordHashReturnsFalseForUnknownUser() {
        User u = createUser("kim");

        assertThat(users().updatePasswordHash(u.id() + 1000, "x")).isFalse();
    }

    @Test
    void unicodeUsernamesRoundTripExactly() {
        List<String[]> names = List.of(
                new String[] {"Zoë", "zoë"},
                new String[] {"田中太郎", "田中太郎"},
                new String[] {"محمد", "محمد"},
                new String[] {"Ωmega", "ωmega"},
                new String[] {"Émile", "émile"});
        for (String[] n : names) {
            User u = users().create(new NewUser(n[0], n[1], null, T0));

            assertThat(users().findByCanonicalName(n[1])).map(User::username).contains(n[0]);
            assertThat(users().findById(u.id())).map(User::username).contains(n[0]);
        }
    }

    @Test
    void createdAtRoundTripsWithMicrosecondPrecision() {
        Instant t1 = Instant.parse("2026-01-02T03:04:05.123456Z");
        Instant t2 = Instant.parse("1999-12-31T23:59:59.999999Z");
        User u = users().create(new NewUser("Lena", "lena", null, t1));
        User v = users().create(new NewUser("Mo", "mo", null, t2));

        assertThat(users().findById(u.id())).map(User::createdAt).contains(t1);
        assertThat(users().findById(v.id())).map(User::createdAt).contains(t2);
        assertThat(users().findByCanonicalName("lena")).map(User::createdAt).contains(t1);
    }
}
