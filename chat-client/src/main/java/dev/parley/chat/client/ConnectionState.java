package dev.parley.chat.client;

/** The state of a client's WebSocket connection, as reported to {@link ConnectionListener#onStateChanged}. */
public enum ConnectionState {
    /** Not connected: {@link ParleyClient#connect()} not called yet, or waiting to reconnect after a loss. */
    DISCONNECTED,
    /** Opening the socket and authenticating. */
    CONNECTING,
    /** Authenticated ({@code ready}); rooms are resumed and the outbox re-sent. */
    CONNECTED,
    /** The server ended the session ({@code invalid_token}, {@code token_expired}, {@code logged_out}); no retries. */
    SESSION_ENDED,
    /** {@link ParleyClient#close()} was called; final. */
    CLOSED
}
