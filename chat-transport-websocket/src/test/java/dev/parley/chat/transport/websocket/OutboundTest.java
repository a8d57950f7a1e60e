package dev.parley.chat.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The outbound queue with a real flusher thread and a scripted raw writer standing in for the connection. */
class OutboundTest {
    private final Flusher flusher = new Flusher("test-writer");
    private final List<Write> writes = new CopyOnWriteArrayList<>();
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicReference<Throwable> failed = new AtomicReference<>();

    private record Write(byte[] bytes, CompletableFuture<Object> done) {
    }

    /** A writer whose writes complete only when the test says so. */
    private final RawFrames.Writer manual = (buffer, written) -> {
        byte[] b = new byte[buffer.remaining()];
        buffer.get(b);
        CompletableFuture<Object> done = new CompletableFuture<>();
        done.whenComplete((ok, failure) -> written.accept(failure));
        writes.add(new Write(b, done));
    };

    @AfterEach
    void stop() {
        flusher.close();
    }

    @Test
    void framesQueuedWhileAWriteIsInFlightGoOutTogetherInOrderInOneWrite() throws Exception {
        Outbound out = new Outbound(manual, null, flusher, 100, sent::addAndGet, failed::set);
        out.offer(frame("a"), true);
        awaitWrites(1);
        out.offer(frame("b"), true);
        out.offer(frame("c"), false);
        out.offer(frame("d"), true);
        assertThat(writes).hasSize(1); // nothing else starts while the first write is in flight

        writes.get(0).done.complete(null);
        awaitWrites(2);
        assertThat(writes.get(1).bytes).isEqualTo(concat(frame("b"), frame("c"), frame("d")));
        writes.get(1).done.complete(null);
        awaitCondition(() -> sent.get() == 4);
        assertThat(out.size()).isZero();
        assertThat(failed.get()).isNull();
    }

    @Test
    void anIdleSocketWritesTheSharedFrameBytesAtOnce() throws Exception {
        RawFrames.Writer immediate = (buffer, written) -> {
            writes.add(new Write(buffer.array(), CompletableFuture.completedFuture(null)));
            written.accept(null);
        };
        Outbound out = new Outbound(immediate, null, flusher, 100, sent::addAndGet, failed::set);
        OutFrame shared = frame("hello");
        out.offer(shared, true);
        awaitWrites(1);
        assertThat(writes.get(0).bytes).as("no copy for a single frame").isSameAs(shared.wire());
        out.offer(frame("again"), true);
        awaitWrites(2);
        awaitCondition(() -> sent.get() == 2);
    }

    @Test
    void aLiveFrameOverTheLimitIsRefusedWhileReplayedFramesAreNotCounted() throws Exception {
        Outbound out = new Outbound(manual, null, flusher, 2, sent::addAndGet, failed::set);
        assertThat(out.offer(frame("1"), true)).isTrue();
        awaitWrites(1); // "1" is in flight, no longer queued
        assertThat(out.offer(frame("2"), true)).isTrue();
        assertThat(out.offer(frame("3"), true)).isTrue();
        assertThat(out.offer(frame("replayed"), false)).isTrue();
        assertThat(out.offer(frame("4"), true)).as("third queued live frame").isFalse();
        assertThat(out.size()).isEqualTo(3);
    }

    @Test
    void coalescingStopsAtTheBatchLimitAndCarriesOnAfterwards() throws Exception {
        Outbound out = new Outbound(manual, null, flusher, 1000, sent::addAndGet, failed::set);
        out.offer(frame("first"), true);
        awaitWrites(1);
        String big = "x".repeat(20_000);
        for (int i = 0; i < 5; i++) {
            out.offer(frame(big + i), true);
        }
        writes.get(0).done.complete(null);
        awaitWrites(2);
        int perFrame = frame(big + 0).wire().length;
        assertThat(writes.get(1).bytes.length).isEqualTo(3 * perFrame).isLessThanOrEqualTo(Outbound.MAX_BATCH_BYTES);
        writes.get(1).done.complete(null);
        awaitWrites(3);
        assertThat(writes.get(2).bytes.length).isEqualTo(2 * perFrame);
    }

    @Test
    void aFailedWriteDropsTheQueueReportsOnceAndRefusesNothingAfterwards() throws Exception {
        Outbound out = new Outbound(manual, null, flusher, 100, sent::addAndGet, failed::set);
        out.offer(frame("a"), true);
        awaitWrites(1);
        out.offer(frame("b"), true);
        IllegalStateException boom = new IllegalStateException("connection reset");
        writes.get(0).done.completeExceptionally(boom);
        awaitCondition(() -> failed.get() != null);
        assertThat(failed.get()).isSameAs(boom);
        assertThat(out.size()).isZero();
        assertThat(out.offer(frame("c"), true)).as("dropped silently after failure").isTrue();
        Thread.sleep(50);
        assertThat(writes).hasSize(1);
        assertThat(sent.get()).isZero();
    }

    @Test
    void aWriteThatDoesNotCompleteIsReportedAsStalledSinceItStarted() throws Exception {
        Outbound out = new Outbound(manual, null, flusher, 100, sent::addAndGet, failed::set);
        assertThat(out.stalledSince()).isEqualTo(-1);
        long before = System.nanoTime();
        out.offer(frame("a"), true);
        awaitWrites(1);
        assertThat(out.stalledSince()).isBetween(before, System.nanoTime());
        writes.get(0).done.complete(null);
        awaitCondition(() -> out.stalledSince() == -1);
    }

    @Test
    void withoutRawAccessFramesGoOneAtATimeThroughSendTextInOrder() throws Exception {
        List<String> texts = new CopyOnWriteArrayList<>();
        List<SendHandler> pending = new CopyOnWriteArrayList<>();
        RemoteEndpoint.Async remote = (RemoteEndpoint.Async)
                Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {RemoteEndpoint.Async.class}, (proxy, method, args) -> {
                            if (method.getName().equals("sendText") && args.length == 2) {
                                texts.add((String) args[0]);
                                pending.add((SendHandler) args[1]);
                            }
                            return null;
                        });
        Outbound out = new Outbound(null, remote, flusher, 100, sent::addAndGet, failed::set);
        out.offer(frame("a"), true);
        out.offer(frame("b"), true);
        out.offer(frame("c"), true);
        awaitCondition(() -> texts.size() == 1);
        pending.get(0).onResult(new SendResult());
        awaitCondition(() -> texts.size() == 2);
        Thread.sleep(20);
        assertThat(texts).as("one frame in flight at a time").containsExactly("a", "b");
        pending.get(1).onResult(new SendResult());
        awaitCondition(() -> texts.size() == 3);
        pending.get(2).onResult(new SendResult());
        awaitCondition(() -> sent.get() == 3);
        assertThat(texts).containsExactly("a", "b", "c");
        assertThat(failed.get()).isNull();
    }

    @Test
    void wireFormsCarryTheRightLengthHeaderForEachSize() {
        assertThat(header(125)).containsExactly(0x81, 125);
        assertThat(header(126)).containsExactly(0x81, 126, 0, 126);
        assertThat(header(65_535)).containsExactly(0x81, 126, 0xff, 0xff);
        assertThat(header(65_536)).containsExactly(0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0);
        OutFrame utf8 = new OutFrame("é😀");
        assertThat(utf8.wire()).hasSize(2 + 6);
        assertThat(new String(utf8.wire(), 2, 6, StandardCharsets.UTF_8)).isEqualTo("é😀");
        assertThat(utf8.wire()).isSameAs(utf8.wire());
    }

    private static int[] header(int payload) {
        byte[] w = OutFrame.textFrame(new byte[payload]);
        int h = w.length - payload;
        int[] out = new int[h];
        for (int i = 0; i < h; i++) {
            out[i] = w[i] & 0xff;
        }
        return out;
    }

    private static OutFrame frame(String text) {
        return new OutFrame(text);
    }

    private static byte[] concat(OutFrame... frames) {
        List<Byte> all = new ArrayList<>();
        for (OutFrame f : frames) {
            for (byte b : f.wire()) {
                all.add(b);
            }
        }
        ByteBuffer b = ByteBuffer.allocate(all.size());
        all.forEach(b::put);
        return b.array();
    }

    private void awaitWrites(int n) throws InterruptedException {
        awaitCondition(() -> writes.size() >= n);
        assertThat(writes).hasSize(n);
    }

    private static void awaitCondition(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.sleep(1);
        }
    }
}
