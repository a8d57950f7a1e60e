package dev.parley.chat.client;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The room tracker's gap repair against a scripted changes feed. Everything runs on the test thread: the stubbed
 * REST pages are complete at once and both executors run tasks where they are given, as the loop would in turn.
 */
class RoomTrackerTest {
    private static final Executor DIRECT = Runnable::run;
    private final ScheduledThreadPoolExecutor unusedTimers = new ScheduledThreadPoolExecutor(1);
    private final RecordingLink link = new RecordingLink("socket");
    private final List<JsonObject> written = link.written;
    private final Outbox outbox = new Outbox(unusedTimers, new Backoff(Duration.ZERO, Duration.ZERO), link);
    /** What each REST read asked for: the change it read after. */
    private final List<Long> readAfter = new ArrayList<>();
    private final List<JsonObject> pages = new ArrayList<>();
    /** The next pages the feed gives; when none is left, a read fails (as when the server is unreachable). */
    private final RoomTracker rooms = new RoomTracker(DIRECT, DIRECT, (room, after) -> {
        readAfter.add(after);
        return pages.isEmpty()
                ? CompletableFuture.failedFuture(new ParleyClientException("server_busy", 503, "busy", null))
                : CompletableFuture.completedFuture(pages.remove(0));
    }, link, outbox);
    private final Recorder recorder = new Recorder();

    @AfterEach
    void stop() {
        unusedTimers.shutdownNow();
    }

    private static JsonObject message(String type, long change, long seq, String body) {
        return Json.createObjectBuilder().add("type", type).add("room", "general").add("change", change)
                .add("message", Json.createObjectBuilder().add("id", 100 + seq).add("room", "general").add("seq", seq)
                        .add("change", change).add("sender", "kim").add("body", body)
                        .add("createdAt", "2030-01-01T12:00:00Z"))
                .build();
    }

    private static JsonObject page(long lastChange, boolean hasMore, JsonObject... changes) {
        JsonArrayBuilder array = Json.createArrayBuilder();
        for (JsonObject c : changes) {
            array.add(c);
        }
        return Json.createObjectBuilder().add("changes", array).add("lastChange", lastChange)
                .add("hasMore", hasMore).build();
    }

    /** Follows "general" and answers the join: subscribed at change 10, seq 1. */
    private void joined() {
        outbox.rooms = rooms;
        CompletableFuture<Subscribed> joined = rooms.follow("general", recorder);
        assertThat(written).singleElement().satisfies(f -> assertThat(f.getString("type")).isEqualTo("join"));
        outbox.reply(written.get(0).getString("ref"), "subscribed", Json.createObjectBuilder()
                .add("type", "subscribed").add("room", "general").add("lastSeq", 1).add("lastChange", 10).build());
        assertThat(joined).isCompleted();
    }

    private void frame(JsonObject f) {
        rooms.frame(f.getString("type"), "general", f);
    }

    @Test
    void aGapIsReadOverSeveralPagesThenTheHeldFramesFollowEachChangeOnce() throws Exception {
        joined();
        frame(message("message", 11, 2, "two"));
        pages.add(page(12, true, message("message", 12, 3, "three")));
        pages.add(page(14, false, message("edited", 13, 2, "two, edited"), message("message", 14, 4, "four")));
        frame(message("message", 15, 5, "five")); // seq 3 and 4 are missing
        frame(message("message", 14, 4, "four")); // late, and read over REST already
        frame(message("message", 16, 6, "six"));

        assertThat(readAfter).containsExactly(11L, 12L);
        assertThat(recorder.events()).containsExactly("message 102 two", "message 103 three (replayed)",
                "edited 102 two, edited", "message 104 four (replayed)", "message 105 five", "message 106 six");
        assertThat(rooms.lastChange("general")).isEqualTo(16);
    }

    @Test
    void aJumpFromASupersededMessageCostsOneEmptyRead() throws Exception {
        joined();
        pages.add(page(10, false));
        frame(message("message", 12, 3, "three")); // seq 2 was sent and deleted before it reached this socket

        assertThat(readAfter).containsExactly(10L);
        assertThat(recorder.events()).containsExactly("message 103 three");
        assertThat(rooms.lastChange("general")).isEqualTo(12);
    }

    @Test
    void aFailedRepairResyncsTheRoomAndJoinsItAgain() throws Exception {
        joined();
        frame(message("message", 12, 3, "three")); // no page: the read fails

        assertThat(recorder.events()).containsExactly("resync general");
        assertThat(rooms.lastChange("general")).isEqualTo(-1);
        assertThat(written).last().satisfies(f -> assertThat(f.getString("type")).isEqualTo("join"));
        frame(message("message", 13, 4, "four")); // not subscribed until the new join's reply
        assertThat(recorder.events()).containsExactly("resync general");
    }
}
