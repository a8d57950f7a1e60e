package dev.parley.chat.client;

import jakarta.json.JsonObject;

/** What the outbox and the rooms need of the connection; called on the loop thread only. */
interface Link {
    /**
     * The current socket while its session is ready (the state is {@code CONNECTED}), else null. Only compared by
     * identity: a retry scheduled on one socket must not run on the next, whose {@code ready} re-sends anyway.
     */
    Object ready();

    /** Sends a frame on the current socket; dropped when there is none. */
    void write(JsonObject frame);
}
