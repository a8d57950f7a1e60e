package dev.parley.chat.store.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.Room;
import dev.parley.chat.core.UnavailableException;
import dev.parley.chat.core.User;
import dev.parley.chat.testkit.TcpProxy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real PostgreSQL taken away behind a {@link TcpProxy}: calls fail within seconds, not after HikariCP's 30-second
 * default, with {@code STORAGE_UNAVAILABLE} and a message that says what is wrong. The bound is generous (a failure
 * path's correctness, not a performance figure): 10 s against timeouts of 5 s (the defaults) and 2 s.
 */
class PostgresOutageTest {
    private static final Duration BOUND = Duration.ofSeconds(10);

    @RegisterExtension
    final PostgresSupport postgres = new PostgresSupport();

    private final TcpProxy proxy = PostgresSupport.proxy();

    @AfterEach
    void closeProxy() {
        proxy.close();
    }

    @Test
    void withTheDefaultsAnAppendAndTheHealthCheckFailWithinSecondsWhenTheDatabaseIsDownAndWorkAgainAfter() {
        try (JooqChatStorage storage = JooqChatStorage.postgres(proxiedSchema())) {
            User alice = TestData.user(storage, "alice");
            Room room = TestData.room(storage, "general");
            storage.messages().append(TestData.message(room, alice, "before", "c1"));

            proxy.cut();
            assertUnreachableWithinBound(() -> storage.messages().append(TestData.message(room, alice, "during", "c2")));
            assertUnreachableWithinBound(() -> storage.sessions().find("no such token hash"));
            assertUnreachableWithinBound(storage::checkHealth);

            proxy.restore();
            assertThat(eventually(() -> storage.messages().append(TestData.message(room, alice, "after", "c3"))
                    .message().seq())).isEqualTo(2);
        }
    }

    @Test
    void aNetworkThatGoesSilentFailsCallsWithinTheConfiguredTimeouts() throws Exception {
        try (JooqChatStorage storage = JooqChatStorage.postgresBuilder(proxiedSchema()).poolSize(4)
                .connectTimeout(Duration.ofSeconds(2)).socketTimeout(Duration.ofSeconds(2)).open()) {
            User alice = TestData.user(storage, "alice");
            Room room = TestData.room(storage, "general");
            storage.messages().append(TestData.message(room, alice, "before", "c1"));

            proxy.stall();
            // More callers than connections: some wait on an open connection, the others for a connection.
            List<String> messages = TestData.inParallel(8, t -> failureWithinBound(
                    () -> storage.messages().append(TestData.message(room, alice, "during", "s" + t))));
            // Whether a caller's connection went silent or it found none is a matter of timing; either is true.
            assertThat(messages).hasSize(8).allSatisfy(m -> assertThat(m)
                    .isIn("the database did not answer in time", "the database is unreachable"));
        }
    }

    @Test
    void outOfRangeTimeoutsAreRejectedBeforeConnecting() {
        PostgresStorageBuilder builder = JooqChatStorage.postgresBuilder("jdbc:postgresql://127.0.0.1:1/none");
        assertThat(catchThrowableOfType(IllegalArgumentException.class,
                () -> builder.connectTimeout(Duration.ofMillis(100)).open())).hasMessageContaining("connectTimeout");
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> builder
                .connectTimeout(Duration.ofSeconds(1)).socketTimeout(Duration.ZERO).open()))
                .hasMessageContaining("socketTimeout");
    }

    private String proxiedSchema() {
        return PostgresSupport.throughProxy(postgres.newSchemaUrl(), proxy);
    }

    private static void assertUnreachableWithinBound(Runnable call) {
        assertThat(failureWithinBound(call)).isEqualTo("the database is unreachable");
    }

    /** Runs a call that must fail with STORAGE_UNAVAILABLE within the bound; returns the failure's message. */
    private static String failureWithinBound(Runnable call) {
        long start = System.nanoTime();
        UnavailableException e = catchThrowableOfType(UnavailableException.class, call::run);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(e).as("failed with STORAGE_UNAVAILABLE").isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
        assertThat(took).as("failed within %s", BOUND).isLessThan(BOUND);
        return e.getMessage();
    }

    /** Retries while the pool reconnects after the database came back (bounded, so a bug cannot hang the test). */
    private static <T> T eventually(java.util.function.Supplier<T> call) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                return call.get();
            } catch (UnavailableException e) {
                assertThat(System.nanoTime()).as("works again within 30 s: " + e.getMessage()).isLessThan(deadline);
            }
        }
    }
}
