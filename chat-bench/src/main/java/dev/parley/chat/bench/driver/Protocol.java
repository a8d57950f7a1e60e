package dev.parley.chat.bench.driver;

import java.io.IOException;

/**
 * What differs between the servers the driver loads: the upgrade request target, the steps after the upgrade until
 * a connection is subscribed to the room, how a broadcast message is sent, and how a delivered one is recognised.
 * Setup methods may allocate; {@link #delivery} runs for every incoming frame and must not.
 */
public interface Protocol {
    /** Short name for reports, e.g. {@code parley}. */
    String name();

    /** The request target of the upgrade, e.g. {@code /ws}. */
    String target();

    /** Called once the upgrade succeeded: send the first setup frame, or call {@link Conn#ready()}. */
    void onOpen(Conn c) throws IOException;

    /** A text message before the connection is ready: advance the setup, then {@link Conn#ready()} when joined. */
    void onSetupText(Conn c, byte[] b, int off, int len) throws IOException;

    /**
     * A text message on a ready connection: the offset of the payload marker if this is a delivery of a broadcast
     * message, else -1 (after handling it, e.g. answering an application-level ping).
     */
    int delivery(Conn c, byte[] b, int off, int len) throws IOException;

    /** The UTF-8 text that comes before the {@link Payload} in a send frame. */
    byte[] sendPrefix();

    /** The UTF-8 text that comes after the {@link Payload} in a send frame. */
    byte[] sendSuffix();
}
