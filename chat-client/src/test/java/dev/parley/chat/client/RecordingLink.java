package dev.parley.chat.client;

import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** A scripted connection for the outbox and room tracker tests: ready on the socket the test sets; records writes. */
final class RecordingLink implements Link {
    Object socket;
    final List<JsonObject> written = new ArrayList<>();

    RecordingLink(Object socket) {
        this.socket = socket;
    }

    @Override
    public Object ready() {
        return socket;
    }

    @Override
    public void write(JsonObject frame) {
        written.add(frame);
    }
}
