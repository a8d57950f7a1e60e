package dev.parley.chat.bench.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.bench.Result;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.Room;
import dev.parley.chat.core.RoomPosition;
import dev.parley.chat.core.spi.AppendResult;
import dev.parley.chat.core.spi.MembershipChange;
import dev.parley.chat.core.spi.NewMessage;
import dev.parley.chat.store.jooq.JooqChatStorage;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryBenchTest {
    private static final int N = 2_000;

    @TempDir
    Path dir;

    @Test
    void preparedHistoryIsGapFreeAndReadableThroughTheStore() throws Exception {
        Path file = HistoryBench.prepare(dir, N);

        try (Connection c = Sqlite.writer(file); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualToIgnoringCase("wal"); // as the store leaves its databases
        }
        try (JooqChatStorage storage = JooqChatStorage.sqlite(file)) {
            Room room = storage.rooms().findByName(HistoryBench.ROOM).orElseThrow();
            int joins = HistoryBench.AUTHORS; // the room's first changes
            assertThat(storage.messages().position(room.id())).isEqualTo(new RoomPosition(N, joins + N));
            assertThat(storage.rooms().findMembershipChanges(room.id(), 0, joins + N, N)).extracting(
                    MembershipChange::change).containsExactlyElementsOf(range(1, joins));

            List<Message> all = storage.messages().findAfter(room.id(), 0, N + 10);
            assertThat(all).hasSize(N);
            Instant previous = Instant.MIN;
            for (int i = 0; i < N; i++) {
                Message m = all.get(i);
                long seq = i + 1;
                assertThat(m.seq()).isEqualTo(seq);
                assertThat(m.change()).isEqualTo(joins + seq);
                assertThat(m.room()).isEqualTo(HistoryBench.ROOM);
                assertThat(m.sender()).startsWith("author");
                assertThat(m.body()).isEqualTo(HistoryBench.bodyOf(seq)).hasSizeBetween(30, 200);
                assertThat(m.clientMsgId()).startsWith("web-");
                assertThat(m.createdAt()).isAfter(previous);
                assertThat(m.deleted()).isFalse();
                assertThat(m.editedAt()).isNull();
                previous = m.createdAt();
            }
            assertThat(all.stream().map(Message::sender).distinct()).hasSize(HistoryBench.AUTHORS);

            List<Message> newest = storage.messages().findBefore(room.id(), Long.MAX_VALUE, HistoryBench.PAGE);
            assertThat(newest).extracting(Message::seq)
                    .containsExactlyElementsOf(range(N - HistoryBench.PAGE + 1, N));
            List<Message> deep = storage.messages().findBefore(room.id(), N / 2, HistoryBench.PAGE);
            assertThat(deep).extracting(Message::seq)
                    .containsExactlyElementsOf(range(N / 2 - HistoryBench.PAGE, N / 2 - 1));

            // The room's counter is consistent: the next message sent normally follows on.
            Message any = all.get(0);
            AppendResult next = storage.messages().append(new NewMessage(room.id(), room.name(), any.senderId(),
                    any.sender(), "after the history", "bench-test-1", Instant.now()));
            assertThat(next.created()).isTrue();
            assertThat(next.message().seq()).isEqualTo(N + 1);
            assertThat(next.message().change()).isEqualTo(joins + N + 1);
        }
    }

    @Test
    void prepareReusesAFinishedDatabaseAndRebuildsOneWithoutMarker() throws Exception {
        int n = 300;
        Path file = HistoryBench.prepare(dir, n);
        assertThat(HistoryBench.markerOf(file)).isRegularFile();
        addCanary(file); // tells a reused file from a rebuilt one

        assertThat(HistoryBench.prepare(dir, n)).isEqualTo(file);
        assertThat(hasCanary(file)).isTrue(); // reused as it was

        Files.delete(HistoryBench.markerOf(file)); // as if a previous build had not finished
        assertThat(HistoryBench.prepare(dir, n)).isEqualTo(file);
        assertThat(hasCanary(file)).isFalse(); // rebuilt
        assertThat(lastSeq(file)).isEqualTo(n);
        assertThat(HistoryBench.markerOf(file)).isRegularFile();

        Path other = HistoryBench.prepare(dir, n + 1); // another count is another database
        assertThat(other).isNotEqualTo(file);
        assertThat(lastSeq(other)).isEqualTo(n + 1);
    }

    @Test
    void runAgainstNoServerReportsUnmeasuredResultsInsteadOfThrowing() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        List<Result> results = HistoryBench.run(URI.create("http://127.0.0.1:" + port + "/"),
                new HistoryBench.Options(1, 1, 1));

        assertThat(results).hasSize(6).allSatisfy(r -> {
            assertThat(r.samples()).isEmpty();
            assertThat(r.invalid()).isEqualTo(1);
            assertThat(r.notes().get("error")).contains("set-up failed");
        });
        assertThat(results).extracting(Result::subject).containsOnly("rest-latest", "rest-deep", "ws-resume");
    }

    private static void addCanary(Path file) throws Exception {
        try (Connection c = Sqlite.writer(file); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO \"users\" (\"username\", \"canonical_name\", \"created_at\") "
                    + "VALUES ('canary', 'canary', 0)");
        }
    }

    private static boolean hasCanary(Path file) throws Exception {
        try (Connection c = Sqlite.writer(file); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM \"users\" WHERE \"username\" = 'canary'")) {
            rs.next();
            return rs.getInt(1) == 1;
        }
    }

    /** The room's last_seq and the number of its messages, which must agree. */
    private static long lastSeq(Path file) throws Exception {
        try (Connection c = Sqlite.writer(file); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT r.\"last_seq\", (SELECT COUNT(*) FROM \"messages\" m "
                        + "WHERE m.\"room_id\" = r.\"id\") FROM \"rooms\" r WHERE r.\"name\" = 'history'")) {
            rs.next();
            assertThat(rs.getLong(2)).isEqualTo(rs.getLong(1));
            return rs.getLong(1);
        }
    }

    private static List<Long> range(long from, long to) {
        return java.util.stream.LongStream.rangeClosed(from, to).boxed().toList();
    }
}
