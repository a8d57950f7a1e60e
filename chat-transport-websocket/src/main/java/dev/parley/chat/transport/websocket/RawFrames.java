package dev.parley.chat.transport.websocket;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Writes pre-built frames straight to a Tyrus connection, bypassing the per-message framing of
 * {@code RemoteEndpoint.sendText}: Tyrus's own broadcast facility frames a message once and then calls
 * {@code TyrusWebSocket.sendRawFrame(ByteBuffer)} for every session, and so do we, for a room's subscribers instead
 * of all of an endpoint's sessions. Tyrus does not expose the {@code TyrusWebSocket} behind a session, so it is read
 * from the remote endpoint's field once per socket, through a method handle resolved once per hub.
 *
 * <p>When Tyrus runs on Grizzly, the writer goes one step further down and puts the frames straight into the
 * Grizzly connection's write queue ({@link GrizzlyFrames}); {@code sendRawFrame} stays the path for other Tyrus
 * containers and for connections whose filter chain might transform what is written (TLS).
 *
 * <p>Anything unexpected (another container, a Tyrus that renamed the field, a module system that forbids the
 * access, a negotiated extension that must transform every frame) makes {@link #writer} return {@code null}, and
 * the socket falls back to the standard {@code sendText}: slower, never wrong.
 */
final class RawFrames {
    private static final System.Logger LOG = System.getLogger(RawFrames.class.getName());
    private static final String REMOTE = "org.glassfish.tyrus.core.TyrusRemoteEndpoint";
    private static final String SOCKET = "org.glassfish.tyrus.core.TyrusWebSocket";
    private static final String PROTOCOL_HANDLER = "org.glassfish.tyrus.core.ProtocolHandler";
    private static final String TYRUS_WRITER = "org.glassfish.tyrus.spi.Writer";

    /** Hands one buffer of whole frames to the connection. */
    interface Writer {
        /**
         * Queues the bytes on the connection without blocking; {@code done} is told once, with {@code null} when
         * the bytes were written or with the failure, on whichever thread finishes the write (often the caller's).
         */
        void write(ByteBuffer frames, Consumer<Throwable> done);
    }

    private volatile Access access; // resolved from the first session's classes
    private volatile boolean unavailable;
    private volatile boolean noDirect;

    private record Access(Class<?> remoteClass, MethodHandle socketOf, MethodHandle sendRaw,
            MethodHandle tyrusWriterOf) {
    }

    private volatile Direct direct; // the Grizzly connection getter for the first Tyrus writer class seen

    private record Direct(Class<?> tyrusWriterClass, MethodHandle connectionOf) {
    }

    /** A raw writer for the session, or {@code null} if frames must go through {@code sendText}. */
    Writer writer(Session session) {
        if (unavailable || !session.getNegotiatedExtensions().isEmpty()) {
            return null;
        }
        RemoteEndpoint.Async remote = session.getAsyncRemote();
        Access a = access;
        if (a == null || !a.remoteClass.isInstance(remote)) {
            a = resolve(remote.getClass());
            if (a == null) {
                return null;
            }
            access = a;
        }
        Object socket;
        try {
            socket = a.socketOf.invoke(remote);
        } catch (Throwable t) {
            disable(t);
            return null;
        }
        if (socket == null) {
            return null;
        }
        MethodHandle sendRaw = a.sendRaw;
        Object tyrusSocket = socket;
        Writer viaTyrus = (frames, done) -> {
            Future<?> f;
            try {
                f = (Future<?>) sendRaw.invoke(tyrusSocket, frames);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            if (f instanceof CompletableFuture<?> cf) {
                cf.whenComplete((ok, failure) -> done.accept(
                        failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure));
                return;
            }
            // Not seen with Tyrus 2.x (TyrusFuture is a CompletableFuture); wait for it on a pool thread if so.
            CompletableFuture.runAsync(() -> {
                try {
                    f.get();
                    done.accept(null);
                } catch (ExecutionException e) {
                    done.accept(e.getCause());
                } catch (Exception e) {
                    done.accept(e);
                }
            });
        };
        return direct(session, a, socket, viaTyrus);
    }

    /** The Grizzly fast path ({@link GrizzlyFrames}) when Tyrus runs on Grizzly, else {@code viaTyrus}. */
    private Writer direct(Session session, Access a, Object socket, Writer viaTyrus) {
        if (noDirect) {
            return viaTyrus;
        }
        try {
            Object tyrusWriter = a.tyrusWriterOf.invoke(socket);
            if (tyrusWriter == null) {
                return viaTyrus;
            }
            Direct d = direct;
            if (d == null || d.tyrusWriterClass != tyrusWriter.getClass()) {
                MethodHandle connectionOf = GrizzlyFrames.connectionOf(tyrusWriter.getClass());
                if (connectionOf == null) {
                    return viaTyrus; // another Tyrus container
                }
                d = new Direct(tyrusWriter.getClass(), connectionOf);
                direct = d;
            }
            Object connection = d.connectionOf.invoke(tyrusWriter);
            return connection == null ? viaTyrus : GrizzlyFrames.of(session, connection, viaTyrus);
        } catch (Throwable t) { // LinkageError when Grizzly is not on the class path, or a renamed field
            if (!noDirect) {
                noDirect = true;
                LOG.log(Level.INFO, "direct Grizzly writes unavailable; frames go through Tyrus", t);
            }
            return viaTyrus;
        }
    }

    private Access resolve(Class<?> remoteClass) {
        Class<?> c = remoteClass;
        while (c != null && !c.getName().equals(REMOTE)) {
            c = c.getSuperclass();
        }
        if (c == null) {
            unavailable = true; // not Tyrus: every session of this container is the same
            LOG.log(Level.DEBUG, "not a Tyrus container ({0}); frames are sent with sendText",
                    remoteClass.getName());
            return null;
        }
        try {
            Class<?> socketClass = Class.forName(SOCKET, false, c.getClassLoader());
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(c, MethodHandles.lookup());
            MethodHandle socketOf = lookup.findGetter(c, "webSocket", socketClass)
                    .asType(MethodType.methodType(Object.class, Object.class));
            MethodHandle sendRaw = MethodHandles.publicLookup()
                    .findVirtual(socketClass, "sendRawFrame", MethodType.methodType(Future.class, ByteBuffer.class))
                    .asType(MethodType.methodType(Future.class, Object.class, ByteBuffer.class));
            MethodHandle protocolHandlerOf = MethodHandles.privateLookupIn(socketClass, MethodHandles.lookup())
                    .findGetter(socketClass, "protocolHandler",
                            Class.forName(PROTOCOL_HANDLER, false, c.getClassLoader()));
            Class<?> handlerClass = protocolHandlerOf.type().returnType();
            MethodHandle writerOf = MethodHandles.privateLookupIn(handlerClass, MethodHandles.lookup())
                    .findGetter(handlerClass, "writer", Class.forName(TYRUS_WRITER, false, c.getClassLoader()));
            MethodHandle tyrusWriterOf = MethodHandles.filterReturnValue(protocolHandlerOf, writerOf)
                    .asType(MethodType.methodType(Object.class, Object.class));
            return new Access(remoteClass, socketOf, sendRaw, tyrusWriterOf);
        } catch (ReflectiveOperationException | RuntimeException e) {
            disable(e);
            return null;
        }
    }

    private void disable(Throwable t) {
        if (!unavailable) {
            unavailable = true;
            LOG.log(Level.INFO, "Tyrus raw frame access unavailable; frames are sent with sendText (slower)", t);
        }
    }
}
