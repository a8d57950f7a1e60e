package dev.parley.chat.store.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.Room;
import dev.parley.chat.core.UnavailableException;
import dev.parley.chat.core.User;
import dev.parley.chat.core.spi.AppendResult;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

/** PostgreSQL-specific behaviour: several nodes on one database, idempotency races, pool ownership. */
class PostgresStorageTest {
    @RegisterExtension
    final PostgresSupport postgres = new PostgresSupport();

    @Test
    void migrationsAreIdempotentWhenTheSameSchemaIsOpenedAgain() {
        String url = postgres.newSchemaUrl();
        try (JooqChatStorage first = JooqChatStorage.postgres(url)) {
            TestData.user(first, "alice");
        }
        try (JooqChatStorage second = JooqChatStorage.postgres(url);
                JooqChatStorage third = JooqChatStorage.postgres(url)) {
            assertThat(second.users().findByCanonicalName("alice")).isPresent();
            assertThat(third.users().findByCanonicalName("alice")).isPresent();
        }
    }

    @Test
    void assignsGapFreeSequencesAcrossTwoNodesSharingTheDatabase() throws Exception {
        String url = postgres.newSchemaUrl();
        try (JooqChatStorage nodeA = JooqChatStorage.postgres(url);
                JooqChatStorage nodeB = JooqChatStorage.postgres(url)) {
            Room room = TestData.room(nodeA, "general");
            User alice = TestData.user(nodeA, "alice");
            int threads = 8;
            int perThread = 50;
            ConcurrentLinkedQueue<Long> seqs = new ConcurrentLinkedQueue<>();
            TestData.inParallel(threads, t -> {
                JooqChatStorage node = t % 2 == 0 ? nodeA : nodeB;
                for (int i = 0; i < perThread; i++) {
                    seqs.add(node.messages().append(TestData.message(room, alice, "m", null)).message().seq());
                }
                return null;
            });
            List<Long> expected = LongStream.rangeClosed(1, threads * perThread).boxed().toList();
            assertThat(seqs.stream().sorted().toList()).isEqualTo(expected);
            assertThat(nodeB.messages().findAfter(room.id(), 0, 1000)).extracting(Message::seq)
                    .containsExactlyElementsOf(expected);
        }
    }

    @Test
    void concurrentAppendsWithTheSameClientMsgIdOnTwoNodesStoreExactlyOneMessage() throws Exception {
        String url = postgres.newSchemaUrl();
        try (JooqChatStorage nodeA = JooqChatStorage.postgres(url);
                JooqChatStorage nodeB = JooqChatStorage.postgres(url)) {
            Room room = TestData.room(nodeA, "general");
            User alice = TestData.user(nodeA, "alice");
            int keys = 20;
            for (int k = 0; k < keys; k++) {
                String key = "key-" + k;
                List<AppendResult> results = TestData.inParallel(8, t -> (t % 2 == 0 ? nodeA : nodeB).messages()
                        .append(TestData.message(room, alice, "same body", key)));
                assertThat(results).filteredOn(AppendResult::created).hasSize(1);
                assertThat(results).extracting(r -> r.message().id()).containsOnly(results.get(0).message().id());
            }
            assertThat(nodeA.messages().lastSeq(room.id())).isEqualTo(keys);
            try (Connection connection = DriverManager.getConnection(url);
                    Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT count(*) FROM \"messages\"")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(keys);
            }
        }
    }

    @Test
    void concurrentReuseOfAClientMsgIdWithADifferentBodyConflicts() throws Exception {
        String url = postgres.newSchemaUrl();
        try (JooqChatStorage node = JooqChatStorage.postgres(url)) {
            Room room = TestData.room(node, "general");
            User alice = TestData.user(node, "alice");
            List<Object> outcomes = TestData.inParallel(8, t -> {
                try {
                    return node.messages().append(TestData.message(room, alice, "body " + t, "k")).created();
                } catch (ChatException e) {
                    return e.code();
                }
            });
            assertThat(outcomes).filteredOn(Boolean.TRUE::equals).hasSize(1);
            assertThat(outcomes).filteredOn(ErrorCode.IDEMPOTENCY_CONFLICT::equals).hasSize(7);
            assertThat(node.messages().lastSeq(room.id())).isEqualTo(1);
        }
    }

    @Test
    void callerOwnedDataSourceStaysUsableAfterClose() throws Exception {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(postgres.newSchemaUrl());
        JooqChatStorage storage = JooqChatStorage.postgres(dataSource);
        TestData.user(storage, "alice");
        storage.close();
        storage.close();
        ChatException e = catchThrowableOfType(ChatException.class, () -> storage.users().findByCanonicalName("alice"));
        assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT count(*) FROM \"users\"")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(1);
        }
    }

    @Test
    void checkHealthPassesOnALiveDatabase() {
        try (JooqChatStorage storage = postgres.newStorage()) {
            storage.checkHealth();
        }
    }
}
