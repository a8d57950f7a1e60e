package dev.parley.chat.core;

/**
 * A subscription to one room's stream, from {@link ChatService#subscribe}. Closing it stops delivery: once
 * {@link #close()} returns, no new call to the listener starts. Thread-safe; closing twice is harmless.
 */
public interface RoomSubscription extends Subscription {
    /**
     * The position the live stream continues after: the room's position when the subscription was made, which is
     * also where its replay (if any) ends. Every event delivered after the replay has a higher change number.
     * Constant for the subscription's life.
     *
     * @return the position
     */
    RoomPosition position();

    /**
     * The users online in the room, on any node, when the subscription was made, the subscriber included; sorted
     * case-insensitively. {@link ChatEvent.Presence} events follow from this state. Constant for the subscription's
     * life.
     *
     * @return usernames
     */
    java.util.List<String> online();
}
