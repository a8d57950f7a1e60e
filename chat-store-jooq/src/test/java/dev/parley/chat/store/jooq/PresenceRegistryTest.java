package dev.parley.chat.store.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.UnavailableException;
import dev.parley.chat.core.spi.PresenceRegistry;
import dev.parley.chat.core.spi.PresenceRegistry.Entry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link JooqChatStorage#presenceRegistry()}: rows per (node, room, user), visible while their node's heartbeat is
 * fresh on the database's clock. Subclasses supply the database.
 */
abstract class PresenceRegistryTest {
    private static final Duration LONG = Duration.ofMinutes(1);
    private static final long ROOM = 7;
    private static final long OTHER_ROOM = 8;

    /** A storage on a fresh database. */
    abstract JooqChatStorage newStorage();

    /** A plain JDBC connection to the same database, for looking under the registry. */
    abstract Connection connect() throws SQLException;

    JooqChatStorage storage;
    PresenceRegistry registry;

    @BeforeEach
    void open() {
        storage = newStorage();
        registry = storage.presenceRegistry();
    }

    @AfterEach
    void close() {
        if (storage != null) {
            storage.close();
        }
    }

    @Test
    void listsTheUsersEnteredThroughLiveNodes() {
        registry.heartbeat("n1", LONG);
        registry.heartbeat("n2", LONG);
        registry.enter("n1", ROOM, 1, "alice");
        registry.enter("n2", ROOM, 2, "bob");
        registry.enter("n2", ROOM, 1, "alice"); // the same user through a second node
        registry.enter("n1", OTHER_ROOM, 3, "carol");

        assertThat(registry.online(ROOM)).containsExactlyInAnyOrder(
                new Entry("n1", 1, "alice"), new Entry("n2", 2, "bob"), new Entry("n2", 1, "alice"));
        assertThat(registry.online(OTHER_ROOM)).containsExactly(new Entry("n1", 3, "carol"));
        assertThat(registry.online(99)).isEmpty();
        assertThat(storage.presenceRegistry()).isSameAs(registry);
    }

    @Test
    void enterAndLeaveAreIdempotent() {
        registry.heartbeat("n1", LONG);
        registry.enter("n1", ROOM, 1, "alice");
        registry.enter("n1", ROOM, 1, "Alice"); // entered again, renamed meanwhile
        assertThat(registry.online(ROOM)).containsExactly(new Entry("n1", 1, "Alice"));

        registry.leave("n1", ROOM, 1);
        registry.leave("n1", ROOM, 1);
        registry.leave("n1", ROOM, 2);
        assertThat(registry.online(ROOM)).isEmpty();
    }

    @Test
    void aNodeWhoseHeartbeatLapsedDropsOutAndComesBackWithTheNextHeartbeat() throws Exception {
        registry.enter("short", ROOM, 1, "alice");
        registry.enter("long", ROOM, 2, "bob");
        registry.heartbeat("long", LONG);
        registry.heartbeat("short", Duration.ofSeconds(2));
        assertThat(registry.online(ROOM)).hasSize(2);

        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (registry.online(ROOM).size() > 1 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(registry.online(ROOM)).containsExactly(new Entry("long", 2, "bob"));

        registry.heartbeat("short", LONG); // a pause, not a crash: its rows were kept
        assertThat(registry.online(ROOM)).hasSize(2);
    }

    @Test
    void aNodeWithoutAHeartbeatIsNotOnline() {
        registry.enter("silent", ROOM, 1, "alice");
        assertThat(registry.online(ROOM)).isEmpty();
        registry.heartbeat("silent", LONG);
        assertThat(registry.online(ROOM)).containsExactly(new Entry("silent", 1, "alice"));
    }

    @Test
    void forgetRemovesEveryRowOfTheNode() {
        registry.heartbeat("n1", LONG);
        registry.heartbeat("n2", LONG);
        registry.enter("n1", ROOM, 1, "alice");
        registry.enter("n1", OTHER_ROOM, 1, "alice");
        registry.enter("n2", ROOM, 2, "bob");

        registry.forget("n1");
        registry.forget("n1");

        assertThat(registry.online(ROOM)).containsExactly(new Entry("n2", 2, "bob"));
        assertThat(registry.online(OTHER_ROOM)).isEmpty();
        registry.heartbeat("n1", LONG); // back with nothing entered
        assertThat(registry.online(ROOM)).containsExactly(new Entry("n2", 2, "bob"));
    }

    @Test
    void aHeartbeatDeletesTheRowsOfNodesExpiredLongAgo() throws Exception {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("INSERT INTO \"nodes\" (\"node\", \"expires_at\") VALUES ('crashed', 1)");
            statement.executeUpdate("INSERT INTO \"presence\" (\"node\", \"room_id\", \"user_id\", \"username\")"
                    + " VALUES ('crashed', 7, 1, 'alice')");
        }
        registry.heartbeat("live", LONG);
        registry.enter("live", ROOM, 2, "bob");

        // A fresh registry cleans up at its first heartbeat (then at most once a minute).
        try (JooqChatStorage again = reopen()) {
            again.presenceRegistry().heartbeat("live", LONG);
        }
        assertThat(count("SELECT COUNT(*) FROM \"presence\" WHERE \"node\" = 'crashed'")).isZero();
        assertThat(count("SELECT COUNT(*) FROM \"nodes\" WHERE \"node\" = 'crashed'")).isZero();
        assertThat(registry.online(ROOM)).containsExactly(new Entry("live", 2, "bob"));
    }

    @Test
    void rejectsATtlThatIsNotPositive() {
        assertThatThrownBy(() -> registry.heartbeat("n1", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> registry.heartbeat("n1", Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> registry.enter(null, ROOM, 1, "alice")).isInstanceOf(NullPointerException.class);
    }

    @Test
    void failsAsUnavailableOnceTheStorageIsClosed() {
        registry.close(); // does nothing: the storage owns the connections
        registry.heartbeat("n1", LONG);
        storage.close();
        assertThatThrownBy(() -> registry.online(ROOM)).isInstanceOfSatisfying(UnavailableException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE));
        assertThatThrownBy(() -> registry.heartbeat("n1", LONG)).isInstanceOf(UnavailableException.class);
    }

    /** Another storage on the same database. */
    abstract JooqChatStorage reopen();

    long count(String sql) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
