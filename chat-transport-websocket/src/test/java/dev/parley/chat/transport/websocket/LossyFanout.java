package dev.parley.chat.transport.websocket;

import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.spi.Fanout;
import dev.parley.chat.testkit.ForwardingFanout;
import java.util.concurrent.atomic.AtomicBoolean;

/** A real fan-out that can be told to lose the next room change, as a cross-node bus may. */
final class LossyFanout extends ForwardingFanout {
    private final AtomicBoolean dropNext = new AtomicBoolean();

    LossyFanout(Fanout delegate) {
        super(delegate);
    }

    /** The next room change published is silently dropped. */
    void dropNextChange() {
        dropNext.set(true);
    }

    @Override
    public void publish(ChatEvent event) {
        if (event instanceof ChatEvent.RoomChange && dropNext.compareAndSet(true, false)) {
            return;
        }
        super.publish(event);
    }
}
