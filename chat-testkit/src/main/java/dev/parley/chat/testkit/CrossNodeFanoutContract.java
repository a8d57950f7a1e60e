package dev.parley.chat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.User;
import dev.parley.chat.core.spi.Fanout;
import dev.parley.chat.core.spi.Notice;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link Fanout} that spans nodes over a bus: everything {@link FanoutContract} checks on one node,
 * plus delivery between two instances on one bus. A change may reach the other node as the event itself or as a
 * {@link Fanout.Listener#onHint hint} of its change number; typing and notices arrive intact. Extend it in the test
 * sources of a bus:
 *
 * <pre>{@code
 * class MyBusFanoutTest extends CrossNodeFanoutContract {
 *     protected Fanout createFanout() { return ClusterFanout.builder(new MyBus(channel)).build(); }
 *     protected Fanout createPeer() { return ClusterFanout.builder(new MyBus(channel)).build(); }
 * }
 * }</pre>
 */
public abstract class CrossNodeFanoutContract extends FanoutContract {
    private Fanout peer;

    /** For subclasses. */
    protected CrossNodeFanoutContract() {
    }

    /**
     * Creates a second node's fan-out on the same bus as the one {@link #createFanout()} returned last. It is closed
     * after the test.
     *
     * @return another node's fan-out on the same bus
     */
    protected abstract Fanout createPeer();

    /** Closes the peer, if the test made one. */
    @AfterEach
    protected final void closePeer() {
        if (peer != null) {
            peer.close();
            peer = null;
        }
    }

    private Fanout peer() {
        Fanout p = createPeer();
        assertThat(p).as("createPeer()").isNotNull();
        peer = p;
        return p;
    }

    @Test
    void nodesOnOneBusHaveDistinctIds() {
        Fanout other = peer();
        assertThat(other.nodeId()).isNotEqualTo(fanout().nodeId());
    }

    @Test
    void aChangePublishedOnOneNodeReachesTheOtherAsItselfOrAsAHint() {
        Fanout other = peer();
        RecordingListener there = new RecordingListener();
        closeAfterTest(other.subscribe(ROOM, there));
        RecordingListener elsewhere = new RecordingListener();
        closeAfterTest(other.subscribe(OTHER_ROOM, elsewhere));
        awaitBusUp(other, ROOM, there);

        fanout().publish(posted(ROOM, 5));

        there.awaitChangeOrHint(5, deliveryTimeout());
        sleep(quietPeriod());
        assertThat(elsewhere.hints()).isEmpty();
        assertThat(elsewhere.events()).isEmpty();
    }

    @Test
    void typingReachesTheOtherNodeIntact() {
        Fanout other = peer();
        RecordingListener there = new RecordingListener();
        closeAfterTest(other.subscribe(ROOM, there));
        awaitBusUp(other, ROOM, there);
        ChatEvent typing = new ChatEvent.Typing(ROOM, "room 101 | ü", new User(8, "bob", T0));

        fanout().publish(typing);

        assertThat(there.awaitEvent(typing, deliveryTimeout())).contains(typing);
    }

    @Test
    void noticesReachTheOtherNodeIntact() {
        Fanout other = peer();
        List<Notice> seen = new CopyOnWriteArrayList<>();
        closeAfterTest(other.subscribeNotices(seen::add));
        List<Notice> notices = List.of(new Notice.SessionEnded("hash|2"), new Notice.RoomAdded(7, ROOM),
                new Notice.PresenceChanged(fanout().nodeId(), ROOM, "room | 101", 7, "alice", false),
                new Notice.Mentioned(7, ROOM, 42));
        long deadline = System.nanoTime() + deliveryTimeout().toNanos();
        // The peer's subscription to the bus may still be on its way: publish until the first one arrives.
        while (seen.isEmpty() && System.nanoTime() < deadline) {
            fanout().publish(notices.get(0));
            sleep(Duration.ofMillis(50));
        }
        notices.forEach(fanout()::publish);
        awaitTrue(() -> seen.containsAll(notices), "notices " + notices + " delivered, saw " + seen);
    }

    @Test
    void closingOneNodeLeavesTheOtherWorking() {
        Fanout other = peer();
        RecordingListener here = new RecordingListener();
        closeAfterTest(fanout().subscribe(ROOM, here));
        other.close();
        peer = null;
        ChatEvent event = posted(ROOM, 1);
        fanout().publish(event);
        assertThat(here.awaitEvent(event, deliveryTimeout())).contains(event);
    }

    /** Publishes typing on this node until the peer's listener hears it: the peer's bus subscription is live. */
    private void awaitBusUp(Fanout other, long roomId, RecordingListener there) {
        ChatEvent probe = new ChatEvent.Typing(roomId, "probe", new User(99, "probe", T0));
        long deadline = System.nanoTime() + deliveryTimeout().toNanos();
        while (!there.events().contains(probe)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("node " + other.nodeId() + " never heard node " + fanout().nodeId());
            }
            fanout().publish(probe);
            sleep(Duration.ofMillis(50));
        }
    }

}
