package dev.parley.chat.bench.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.bench.Result;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.RoomPosition;
import dev.parley.chat.core.spi.AppendResult;
import dev.parley.chat.core.spi.NewMessage;
import dev.parley.chat.store.jooq.JooqChatStorage;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistenceBenchTest {
    private static final String POSTGRES_URL = System.getProperty("parley.test.postgres.url",
            PersistenceBench.DEFAULT_POSTGRES_URL);

    @TempDir
    Path dir;

    @Test
    void rawSqliteRowsAreReadByTheStoreAsItsOwn() throws Exception {
        Path file = dir.resolve("raw.db");
        try (JooqChatStorage storage = JooqChatStorage.sqlite(file)) {
            PersistenceBench.Fixture f = PersistenceBench.seed(storage);
            try (RawMessageWriter writer = new RawMessageWriter(Sqlite.writer(file), true)) {
                writeRawRows(writer, f);
            }
            checkStoreReadsRawRows(storage, f);
        }
    }

    /**
     * The same on PostgreSQL. Runs under {@code CI=true} (where PostgreSQL must be reachable) or with
     * {@code -Dparley.bench.test.postgres=true}; skipped with that reason in other local builds, because Liquibase on
     * PostgreSQL alone takes about 5 s here.
     */
    @Test
    void rawPostgresRowsAreReadByTheStoreAsItsOwn() throws Exception {
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        Assumptions.assumeTrue(ci || Boolean.getBoolean("parley.bench.test.postgres"),
                "opt-in outside CI: -Dparley.bench.test.postgres=true");
        String unreachable = PersistenceBench.checkReachable(POSTGRES_URL);
        if (ci) {
            assertThat(unreachable).as("PostgreSQL must be reachable under CI=true").isNull();
        }
        Assumptions.assumeTrue(unreachable == null, () -> "PostgreSQL not reachable: " + unreachable);
        String schema = "parley_bench_test_" + Long.toHexString(System.nanoTime());
        try (Connection c = DriverManager.getConnection(POSTGRES_URL); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA \"" + schema + "\"");
        }
        try {
            String url = PersistenceBench.withSchema(POSTGRES_URL, schema);
            try (JooqChatStorage storage = JooqChatStorage.postgres(url)) {
                PersistenceBench.Fixture f = PersistenceBench.seed(storage);
                try (RawMessageWriter writer = new RawMessageWriter(DriverManager.getConnection(url), false)) {
                    writeRawRows(writer, f);
                }
                checkStoreReadsRawRows(storage, f);
            }
        } finally {
            try (Connection c = DriverManager.getConnection(POSTGRES_URL); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
            }
        }
    }

    /** 3 single rows, then a batch of 256, then a duplicate that must be refused without a trace. */
    private static void writeRawRows(RawMessageWriter writer, PersistenceBench.Fixture f) throws SQLException {
        long sender = f.userIds()[1];
        for (int i = 0; i < 3; i++) {
            assertThat(writer.insertOne(f.roomId(), sender, PersistenceBench.BODY, "row-" + i,
                    PersistenceBench.nowNanos())).isEqualTo(i + 1);
        }
        String[] ids = IntStream.range(0, PersistenceBench.BATCH).mapToObj(i -> "batch-" + i).toArray(String[]::new);
        assertThat(writer.insertBatch(f.roomId(), sender, PersistenceBench.BODY, ids, PersistenceBench.nowNanos()))
                .isEqualTo(3 + PersistenceBench.BATCH);
        assertThatThrownBy(() -> writer.insertOne(f.roomId(), sender, "other", "row-1", PersistenceBench.nowNanos()))
                .isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> writer.insertBatch(f.roomId(), sender, "other", new String[] {"new", "batch-7"},
                PersistenceBench.nowNanos())).isInstanceOf(SQLException.class); // rolled back whole
    }

    private static void checkStoreReadsRawRows(JooqChatStorage storage, PersistenceBench.Fixture f) {
        int total = 3 + PersistenceBench.BATCH;
        int joins = f.userIds().length; // the room's first changes
        assertThat(storage.messages().position(f.roomId())).isEqualTo(new RoomPosition(total, joins + total));
        List<Message> all = storage.messages().findAfter(f.roomId(), 0, 1000);
        assertThat(all).extracting(Message::seq)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, total).mapToObj(i -> (long) i).toList());
        assertThat(all).extracting(Message::change).containsExactlyElementsOf(
                IntStream.rangeClosed(joins + 1, joins + total).mapToObj(i -> (long) i).toList());
        assertThat(all).allSatisfy(m -> {
            assertThat(m.sender()).isEqualTo(f.usernames()[1]);
            assertThat(m.room()).isEqualTo(PersistenceBench.ROOM);
            assertThat(m.body()).isEqualTo(PersistenceBench.BODY);
            assertThat(m.deleted()).isFalse();
            assertThat(m.createdAt()).isBetween(Instant.now().minusSeconds(60), Instant.now());
        });
        assertThat(all.get(1).clientMsgId()).isEqualTo("row-1");

        // A retry through the store finds the raw row by its idempotency key: nothing new is stored.
        AppendResult retry = storage.messages().append(new NewMessage(f.roomId(), f.room(), f.userIds()[1],
                f.usernames()[1], PersistenceBench.BODY, "row-1", Instant.now()));
        assertThat(retry.created()).isFalse();
        assertThat(retry.message().seq()).isEqualTo(2);
        AppendResult next = storage.messages().append(new NewMessage(f.roomId(), f.room(), f.userIds()[1],
                f.usernames()[1], PersistenceBench.BODY, "store-1", Instant.now()));
        assertThat(next.created()).isTrue();
        assertThat(next.message().seq()).isEqualTo(total + 1);
        assertThat(next.message().change()).isEqualTo(joins + total + 1);
    }

    @Test
    void unreachablePostgresGivesResultsWithoutSamplesAndTheReason() {
        List<Result> results = PersistenceBench.runPostgres(
                "jdbc:postgresql://127.0.0.1:1/none?user=nobody&password=secret",
                new PersistenceBench.Options(0, 0.1, 2));

        assertThat(results).extracting(Result::subject).containsExactly("store-1-sender", "store-8-senders",
                "store-8-senders-8-rooms", "raw-row-1-thread", "raw-row-8-threads", "raw-batch-256");
        assertThat(results).allSatisfy(r -> {
            assertThat(r.scenario()).isEqualTo("persist-postgres");
            assertThat(r.samples()).isEmpty();
            assertThat(r.invalid()).isEqualTo(2);
            assertThat(r.notes().get("error")).contains("unreachable").contains("password=***")
                    .doesNotContain("secret");
        });
        assertThat(PersistenceBench.runPostgres(null, PersistenceBench.Options.QUICK))
                .allSatisfy(r -> assertThat(r.notes()).containsKey("skipped"));
    }

    @Test
    void bodyIsOneHundredBytes() {
        assertThat(PersistenceBench.BODY.getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSize(100);
    }
}
