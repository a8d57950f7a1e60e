package dev.parley.chat.transport.websocket;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The transport's counters; cheap to update from any thread. */
final class Counters {
    final LongAdder framesIn = new LongAdder();
    final LongAdder framesOut = new LongAdder();
    final LongAdder slowConsumerCloses = new LongAdder();
    private final ConcurrentHashMap<String, LongAdder> errors = new ConcurrentHashMap<>();

    /** Counts an error frame or a policy close with this code. */
    void error(String code) {
        errors.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    Map<String, Long> errors() {
        Map<String, Long> copy = new HashMap<>();
        errors.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }
}
