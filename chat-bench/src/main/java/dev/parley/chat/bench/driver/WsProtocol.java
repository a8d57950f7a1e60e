package dev.parley.chat.bench.driver;

/**
 * The plain {@code ws} peer: {@code GET /?room=<room>} subscribes; every text frame is broadcast unchanged to the
 * room, sender included, and every text frame received is a delivery.
 */
public final class WsProtocol implements Protocol {
    private final String room;

    /** Connections join {@code room}. */
    public WsProtocol(String room) {
        this.room = room;
    }

    @Override
    public String name() {
        return "ws";
    }

    @Override
    public String target() {
        return "/?room=" + room;
    }

    @Override
    public void onOpen(Conn c) {
        c.ready();
    }

    @Override
    public void onSetupText(Conn c, byte[] b, int off, int len) {
        // never called: ready at once
    }

    @Override
    public int delivery(Conn c, byte[] b, int off, int len) {
        return Payload.find(b, off, off + len);
    }

    @Override
    public byte[] sendPrefix() {
        return new byte[0];
    }

    @Override
    public byte[] sendSuffix() {
        return new byte[0];
    }
}
