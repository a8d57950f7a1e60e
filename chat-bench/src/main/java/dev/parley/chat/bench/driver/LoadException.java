package dev.parley.chat.bench.driver;

/** A load phase could not run (connections failed, the server stalled or dropped sockets). */
public final class LoadException extends Exception {
    /** With a message saying what went wrong. */
    public LoadException(String message) {
        super(message);
    }
}
