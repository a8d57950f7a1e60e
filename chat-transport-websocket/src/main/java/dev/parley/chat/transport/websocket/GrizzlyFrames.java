package dev.parley.chat.transport.websocket;

import jakarta.websocket.Session;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.glassfish.grizzly.CompletionHandler;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.Processor;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.asyncqueue.AsyncQueueEnabledTransport;
import org.glassfish.grizzly.asyncqueue.AsyncQueueWriter;
import org.glassfish.grizzly.asyncqueue.WritableMessage;
import org.glassfish.grizzly.filterchain.Filter;
import org.glassfish.grizzly.filterchain.FilterChain;
import org.glassfish.grizzly.filterchain.TransportFilter;
import org.glassfish.grizzly.memory.ByteBufferWrapper;
import org.glassfish.grizzly.utils.IdleTimeoutFilter;

/**
 * Writes pre-built frames straight into the write queue of the Grizzly connection under a Tyrus session, skipping
 * Tyrus's {@code ProtocolHandler} and {@code GrizzlyWriter} and Grizzly's filter chain.
 *
 * <p>Why: a profile of 20k deliveries/s to 1,000 sockets that are not backed up (issue 15) put half of the server's
 * Java samples in {@code TyrusWebSocket.sendRawFrame}: a task queue per connection, a future and two completion
 * wrappers per write, a thread-local buffer cache lookup ({@code Buffers.wrap}, 11% of all samples on its own), a
 * filter-chain context and each filter's {@code handleWrite}. Frames that are already whole WebSocket frames need
 * none of that; they need the connection's asynchronous write queue, which is where that path ends anyway, so
 * ordering against Tyrus's own writes (pings, pongs, the close frame) is still the queue's order.
 *
 * <p>Taken only when it cannot change the bytes on the wire: every filter of the connection's chain must be one
 * known to pass a written buffer through unchanged (the transport, the idle timeout, Grizzly's HTTP codec, Tyrus's
 * and Parley's own filters). Anything else (TLS, above all) makes the socket use {@code sendRawFrame} instead. The
 * chain is re-checked when the connection's processor changes (Parley's mount moves an upgraded connection onto a
 * chain without the HTTP codec).
 */
final class GrizzlyFrames implements RawFrames.Writer {
    private static final String GRIZZLY_WRITER = "org.glassfish.tyrus.container.grizzly.client.GrizzlyWriter";

    private final Session session;
    private final Connection<?> connection;
    private final AsyncQueueWriter<?> writer;
    private final RawFrames.Writer fallback;
    private Processor<?> checked; // flusher thread only: the processor last found safe
    private boolean safe;
    private Completion completion; // flusher thread only; stateless, so one serves every write of the socket

    private GrizzlyFrames(Session session, Connection<?> connection, AsyncQueueWriter<?> writer,
            RawFrames.Writer fallback) {
        this.session = session;
        this.connection = connection;
        this.writer = writer;
        this.fallback = fallback;
    }

    /** Resolves the Grizzly connection behind a Tyrus writer; a handle per hub, made once. */
    static MethodHandle connectionOf(Class<?> tyrusWriterClass) throws ReflectiveOperationException {
        if (!tyrusWriterClass.getName().equals(GRIZZLY_WRITER)) {
            return null;
        }
        MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(tyrusWriterClass, MethodHandles.lookup());
        return lookup.findGetter(tyrusWriterClass, "connection", Connection.class)
                .asType(MethodType.methodType(Object.class, Object.class));
    }

    /**
     * A direct writer for {@code grizzlyConnection}, or {@code fallback} if its transport has no asynchronous write
     * queue.
     */
    static RawFrames.Writer of(Session session, Object grizzlyConnection, RawFrames.Writer fallback) {
        Connection<?> connection = (Connection<?>) grizzlyConnection;
        if (!(connection.getTransport() instanceof AsyncQueueEnabledTransport transport)) {
            return fallback;
        }
        return new GrizzlyFrames(session, connection, transport.getAsyncQueueIO().getWriter(), fallback);
    }

    @Override
    public void write(ByteBuffer frames, Consumer<Throwable> done) {
        if (!passesThrough(connection.getProcessor())) {
            fallback.write(frames, done);
            return;
        }
        if (!session.isOpen() || !connection.isOpen()) {
            // As Tyrus does: nothing goes out after the close frame or on a closed connection.
            done.accept(new IOException("the socket is closed"));
            return;
        }
        Completion c = completion;
        if (c == null || c.done != done) {
            c = new Completion(done);
            completion = c;
        }
        write(new ByteBufferWrapper(frames), c);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void write(WritableMessage message, CompletionHandler<?> completion) {
        ((AsyncQueueWriter) writer).write(connection, message, (CompletionHandler) completion);
    }

    private boolean passesThrough(Processor<?> processor) {
        if (processor != checked) {
            checked = processor;
            safe = processor instanceof FilterChain chain && chain.stream().allMatch(GrizzlyFrames::passesThrough);
        }
        return safe;
    }

    static boolean passesThrough(Filter filter) {
        if (filter instanceof TransportFilter || filter instanceof IdleTimeoutFilter) {
            return true;
        }
        String name = filter.getClass().getName();
        // Grizzly's HTTP codec passes a plain buffer through once the connection is upgraded; Tyrus's filter and
        // Parley's only read. TLS (org.glassfish.grizzly.ssl) and unknown filters may transform what is written.
        return name.startsWith("org.glassfish.grizzly.http.") || name.startsWith("org.glassfish.tyrus.")
                || name.startsWith("dev.parley.chat.");
    }

    private static final class Completion extends EmptyCompletionHandler<WriteResult<?, ?>> {
        private final Consumer<Throwable> done;

        Completion(Consumer<Throwable> done) {
            this.done = done;
        }

        @Override
        public void completed(WriteResult<?, ?> result) {
            done.accept(null);
        }

        @Override
        public void failed(Throwable failure) {
            done.accept(failure);
        }

        @Override
        public void cancelled() {
            done.accept(new IOException("the write was cancelled"));
        }
    }
}
