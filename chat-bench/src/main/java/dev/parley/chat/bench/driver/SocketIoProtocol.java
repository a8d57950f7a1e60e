package dev.parley.chat.bench.driver;

import dev.parley.chat.bench.Json;
import java.io.IOException;

/**
 * Socket.IO 4 (Engine.IO v4) over a raw WebSocket: the server opens with {@code 0{...}}; the client connects to
 * the main namespace with {@code 40} (answered {@code 40{"sid":...}}), then emits {@code 42["join","<room>"]}
 * (answered {@code 42["joined","<room>"]}). Messages are {@code 42["message","<payload>"]} both ways. The server's
 * Engine.IO ping {@code 2} is answered with {@code 3}.
 */
public final class SocketIoProtocol implements Protocol {
    private static final byte[] PING = Bytes.ascii("2");
    private static final byte[] PONG = Bytes.ascii("3");
    private static final byte[] CONNECTED = Bytes.ascii("40");
    private static final byte[] CONNECT_ERROR = Bytes.ascii("44");
    private static final byte[] JOINED = Bytes.ascii("42[\"joined\"");
    private static final byte[] MESSAGE = Bytes.ascii("42[\"message\",\"");

    private final String room;

    /** Connections join {@code room}. */
    public SocketIoProtocol(String room) {
        this.room = room;
    }

    @Override
    public String name() {
        return "socketio";
    }

    @Override
    public String target() {
        return "/socket.io/?EIO=4&transport=websocket";
    }

    @Override
    public void onOpen(Conn c) {
        c.step = 0;
    }

    @Override
    public void onSetupText(Conn c, byte[] b, int off, int len) throws IOException {
        int end = off + len;
        if (len == 1 && b[off] == '2') {
            c.sendText(PONG);
        } else if (c.step == 0 && len > 0 && b[off] == '0') {
            c.step = 1;
            c.sendText(CONNECTED);
        } else if (c.step == 1 && Bytes.startsWith(b, off, end, CONNECTED)) {
            c.step = 2;
            c.sendText("42[\"join\",\"" + Json.escape(room) + "\"]");
        } else if (c.step == 2 && Bytes.startsWith(b, off, end, JOINED)) {
            c.step = 3;
            c.ready();
        } else if (Bytes.startsWith(b, off, end, CONNECT_ERROR) || (len > 0 && b[off] == '1')) {
            throw new IOException("setup step " + c.step + ": " + Bytes.string(b, off, len));
        }
    }

    @Override
    public int delivery(Conn c, byte[] b, int off, int len) throws IOException {
        if (Bytes.startsWith(b, off, off + len, MESSAGE)) {
            return Payload.find(b, off + MESSAGE.length, off + len);
        }
        if (len == 1 && b[off] == PING[0]) {
            c.sendText(PONG);
        }
        return -1;
    }

    @Override
    public byte[] sendPrefix() {
        return MESSAGE.clone();
    }

    @Override
    public byte[] sendSuffix() {
        return Bytes.ascii("\"]");
    }
}
