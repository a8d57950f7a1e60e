package dev.parley.chat.bench.driver;

import dev.parley.chat.bench.Json;
import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parley's own frames (docs/protocol.md): after the upgrade {@code auth} → {@code ready}, then {@code join} →
 * {@code subscribed}. A delivery is a {@code message} event; the sender's {@code ack} also carries the body but is not
 * one. Connections share a few users' tokens round-robin (one user may have many sockets).
 */
public final class ParleyProtocol implements Protocol {
    private static final byte[] TYPE = Bytes.ascii("\"type\":\"");
    private static final byte[] MESSAGE = Bytes.ascii("message\"");
    private static final byte[] ERROR = Bytes.ascii("error\"");
    private static final Pattern TYPE_VALUE = Pattern.compile("\"type\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern CODE_VALUE = Pattern.compile("\"code\"\\s*:\\s*\"([^\"]*)\"");

    private final List<String> tokens;
    private final String room;

    /** Connections authenticate with {@code tokens} round-robin and join {@code room}. */
    public ParleyProtocol(List<String> tokens, String room) {
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("no tokens");
        }
        this.tokens = List.copyOf(tokens);
        this.room = room;
    }

    @Override
    public String name() {
        return "parley";
    }

    @Override
    public String target() {
        return "/ws";
    }

    @Override
    public void onOpen(Conn c) throws IOException {
        c.step = 1;
        c.sendText("{\"type\":\"auth\",\"token\":\"" + Json.escape(tokens.get(c.index() % tokens.size())) + "\"}");
    }

    @Override
    public void onSetupText(Conn c, byte[] b, int off, int len) throws IOException {
        String text = Bytes.string(b, off, len);
        Matcher m = TYPE_VALUE.matcher(text);
        String type = m.find() ? m.group(1) : "";
        if (type.equals("error")) {
            throw new IOException("setup step " + c.step + ": " + text);
        }
        if (c.step == 1 && type.equals("ready")) {
            c.step = 2;
            c.sendText("{\"type\":\"join\",\"room\":\"" + Json.escape(room) + "\"}");
        } else if (c.step == 2 && type.equals("subscribed")) {
            c.step = 3;
            c.ready();
        }
        // presence and other events during setup: ignored
    }

    @Override
    public int delivery(Conn c, byte[] b, int off, int len) {
        int end = off + len;
        int marker = Payload.find(b, off, end);
        int t = Bytes.indexOf(b, off, end, TYPE);
        if (t < 0) {
            return -1;
        }
        if (marker >= 0) {
            return Bytes.startsWith(b, t + TYPE.length, end, MESSAGE) ? marker : -1;
        }
        if (Bytes.startsWith(b, t + TYPE.length, end, ERROR)) {
            Matcher m = CODE_VALUE.matcher(Bytes.string(b, off, len));
            c.event("error " + (m.find() ? m.group(1) : "?"));
        }
        return -1;
    }

    @Override
    public byte[] sendPrefix() {
        return Bytes.ascii("{\"type\":\"send\",\"room\":\"" + Json.escape(room) + "\",\"body\":\"");
    }

    @Override
    public byte[] sendSuffix() {
        return Bytes.ascii("\"}");
    }
}
