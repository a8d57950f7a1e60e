package dev.parley.chat.client;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The outbox against a scripted connection; every call runs on a single loop thread, as in the client. */
class OutboxTest {
    private final ScheduledThreadPoolExecutor loop = new ScheduledThreadPoolExecutor(1);
    private final RecordingLink link = new RecordingLink(null);
    private final Outbox outbox = new Outbox(loop, new Backoff(Duration.ZERO, Duration.ZERO), link);

    @AfterEach
    void stop() {
        loop.shutdownNow();
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return loop.submit(task).get(5, TimeUnit.SECONDS);
    }

    private static JsonObject leave(String room) {
        return Json.createObjectBuilder().add("type", "leave").add("room", room).build();
    }

    private static JsonObject error(String code) {
        return Json.createObjectBuilder().add("type", "error").add("code", code).build();
    }

    private CompletableFuture<Object> add(JsonObject frame) throws Exception {
        CompletableFuture<Object> future = new CompletableFuture<>();
        onLoop(() -> {
            outbox.add(new Outbox.Op(Outbox.Kind.LEAVE, frame, future, null));
            return null;
        });
        return future;
    }

    private List<JsonObject> written() throws Exception {
        return onLoop(() -> List.copyOf(link.written));
    }

    @Test
    void anOpWaitsForTheConnectionAndIsResentUnchangedOnEveryNewSocketUntilItsReply() throws Exception {
        CompletableFuture<Object> future = add(leave("a"));
        assertThat(written()).isEmpty();

        onLoop(() -> {
            link.socket = "first";
            outbox.resend();
            outbox.socketGone(); // lost before the reply
            link.socket = "second";
            outbox.resend();
            return null;
        });
        List<JsonObject> sent = written();
        assertThat(sent).extracting(f -> f.getString("ref")).containsExactly("r1", "r2");
        assertThat(sent).allSatisfy(f -> assertThat(f.getString("room")).isEqualTo("a"));

        onLoop(() -> {
            outbox.reply("r1", "left", leave("a")); // the first socket's ref: forgotten
            return null;
        });
        assertThat(future).isNotDone();
        onLoop(() -> {
            outbox.reply("r2", "left", leave("a"));
            return null;
        });
        assertThat(future.get(5, TimeUnit.SECONDS)).isNull();
        onLoop(() -> {
            // A later task than the reply's: the op leaves the outbox in a task of its own, queued at the reply.
            outbox.socketGone();
            outbox.resend();
            return null;
        });
        assertThat(written()).as("nothing is re-sent once replied").hasSize(2);
    }

    @Test
    void aRetryableErrorIsSentAgainOnTheSameSocketAndAFinalOneFailsTheOp() throws Exception {
        onLoop(() -> link.socket = "only");
        CompletableFuture<Object> future = add(leave("b"));
        onLoop(() -> {
            outbox.reply("r1", "error", error("server_busy"));
            return null;
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (written().size() < 2) {
            assertThat(System.nanoTime()).as("re-sent within 5 s").isLessThan(deadline);
            Thread.sleep(5);
        }
        assertThat(written().get(1).getString("ref")).isEqualTo("r2");

        onLoop(() -> {
            outbox.reply("r2", "error", error("not_a_member"));
            return null;
        });
        ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> future.get(5, TimeUnit.SECONDS));
        assertThat(((ParleyClientException) failed.getCause()).code()).isEqualTo("not_a_member");
    }

    @Test
    void aRetryScheduledOnOneSocketDoesNotRunOnTheNext() throws Exception {
        onLoop(() -> link.socket = "first");
        add(leave("c"));
        onLoop(() -> {
            outbox.reply("r1", "error", error("server_busy"));
            outbox.socketGone();
            link.socket = null; // the retry, due in a millisecond, finds no ready socket
            return null;
        });
        Thread.sleep(50);
        assertThat(written()).hasSize(1);
        onLoop(() -> {
            link.socket = "second";
            outbox.resend();
            return null;
        });
        assertThat(written()).extracting(f -> f.getString("ref")).containsExactly("r1", "r2");
    }
}
