package dev.parley.chat.bench.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.core.Message;
import dev.parley.chat.core.SearchTerms;
import dev.parley.chat.core.spi.MessageSearch;
import dev.parley.chat.core.spi.SearchQuery;
import dev.parley.chat.store.jooq.JooqChatStorage;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearchBenchTest {
    private static final int N = 4_000;

    @TempDir
    Path dir;

    @Test
    void preparedDatabaseIsIndexedAndEveryQueryShapeFindsMessagesInEveryRoom() {
        Path file = SearchBench.prepare(dir, N);
        assertThat(SearchBench.rebuildSeconds(file)).matches("\\d+\\.\\d");
        try (JooqChatStorage storage = JooqChatStorage.sqlite(file)) {
            MessageSearch search = storage.search().orElseThrow();
            Set<Long> rooms = new HashSet<>();
            for (int r = 0; r < SearchBench.ROOMS; r++) {
                long id = storage.rooms().findByName(SearchBench.room(r)).orElseThrow().id();
                rooms.add(id);
                assertThat(storage.messages().position(id).lastSeq()).isEqualTo(N / SearchBench.ROOMS);
                List<Message> common = search.search(new SearchQuery(SearchTerms.parse(SearchBench.COMMON), rooms,
                        id, Long.MAX_VALUE, 20));
                assertThat(common).as("the common term in room %d", r).hasSize(20)
                        .allSatisfy(m -> assertThat(m.body()).contains(SearchBench.COMMON));
            }
            List<Message> all = search.search(new SearchQuery(SearchTerms.parse(SearchBench.COMMON), rooms, null,
                    Long.MAX_VALUE, N));
            assertThat(all.size()).as("about a tenth").isBetween(N / 20, N / 5);
            String rare = SearchBench.bodyOf(1234).replaceAll(".* (rare\\d+)\\.$", "$1");
            assertThat(search.search(new SearchQuery(SearchTerms.parse(rare), rooms, null, Long.MAX_VALUE, N)))
                    .extracting(Message::body).contains(SearchBench.bodyOf(1234));
            String two = SearchBench.WORDS.get(0) + " " + SearchBench.WORDS.get(1);
            assertThat(search.search(new SearchQuery(SearchTerms.parse(two), rooms, null, Long.MAX_VALUE, N)))
                    .isNotEmpty();
        }
    }
}
