package dev.parley.chat.transport.websocket;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * Writes pre-built frames straight to a Tyrus connection, bypassing the per-message framing of
 * {@code RemoteEndpoint.sendText}: Tyrus's own broadcast facility frames a message once and then calls
 * {@code TyrusWebSocket.sendRawFrame(ByteBuffer)} for every session, and so do we, for a room's subscribers instead
 * of all of an endpoint's sessions. Tyrus does not expose the {@code TyrusWebSocket} behind a session, so it is read
 * from the remote endpoint's field once per socket, through a method handle resolved once per hub.
 *
 * <p>Anything unexpected (another container, a Tyrus that renamed the field, a module system that forbids the
 * access, a negotiated extension that must transform every frame) makes {@link #writer} return {@code null}, and
 * the socket falls back to the standard {@code sendText}: slower, never wrong.
 */
final class RawFrames {
    private static final System.Logger LOG = System.getLogger(RawFrames.class.getName());
    private static final String REMOTE = "org.glassfish.tyrus.core.TyrusRemoteEndpoint";
    private static final String SOCKET = "org.glassfish.tyrus.core.TyrusWebSocket";

    /** Hands one buffer of whole frames to the connection. */
    interface Writer {
        /**
         * Queues the bytes on the connection without blocking.
         *
         * @return completes when the bytes were written, exceptionally if the write failed
         */
        CompletableFuture<?> write(ByteBuffer frames);
    }

    private volatile Access access; // resolved from the first session's classes
    private volatile boolean unavailable;

    private record Access(Class<?> remoteClass, MethodHandle socketOf, MethodHandle sendRaw) {
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
        return frames -> {
            Future<?> f;
            try {
                f = (Future<?>) sendRaw.invoke(socket, frames);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            if (f instanceof CompletableFuture) {
                return (CompletableFuture<?>) f;
            }
            // Not seen with Tyrus 2.x (TyrusFuture is a CompletableFuture); complete it on a pool thread if so.
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return f.get();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        };
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
            return new Access(remoteClass, socketOf, sendRaw);
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
