package dev.parley.chat.micrometer;

import dev.parley.chat.core.ChatEvent;
import dev.parley.chat.core.ChatObserver;
import dev.parley.chat.core.Message;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The chat service's meters: an observer to give {@code ChatService.builder().observer(...)}, and a binder to bind to
 * the registries. Events observed before {@link #bindTo} are not recorded.
 *
 * <pre>{@code
 * ChatServiceMetrics metrics = new ChatServiceMetrics();
 * ChatService chat = ChatService.builder().storage(storage).passwordHasher(hasher).observer(metrics).build();
 * metrics.bindTo(registry);
 * }</pre>
 *
 * <table>
 * <caption>Meters, with their names as the Prometheus registry renders them</caption>
 * <tr><th>meter</th><th>Prometheus</th><th>what</th></tr>
 * <tr><td>{@value #SEND_COMMIT} (timer)</td><td>{@code parley_send_commit_seconds}</td>
 *     <td>from a send to its commit to the store, idempotent retries included</td></tr>
 * <tr><td>{@value #SEND_FANOUT} (timer)</td><td>{@code parley_send_fanout_seconds}</td>
 *     <td>from a sent message's commit until the fan-out took it (delivered locally, handed to the bus)</td></tr>
 * <tr><td>{@value #LOGIN} (timer, tag {@code outcome}: {@code succeeded}, {@code invalid_credentials},
 *     {@code failed})</td><td>{@code parley_login_seconds}</td><td>logins, password hashing included</td></tr>
 * <tr><td>{@value #MESSAGES_SENT} (counter)</td><td>{@code parley_messages_sent_total}</td>
 *     <td>messages stored (an idempotent retry stores nothing and is not counted)</td></tr>
 * <tr><td>{@value #PUBLISH_FAILURES} (counter)</td><td>{@code parley_fanout_publish_failures_total}</td>
 *     <td>committed changes the fan-out failed to publish (subscribers catch up from the store)</td></tr>
 * </table>
 *
 * <p>The three timers publish a percentile histogram (buckets within their expected range), so that a Prometheus
 * server can compute quantiles across nodes; a {@code MeterFilter} can change that. Thread-safe; may be bound to
 * several registries.
 */
public final class ChatServiceMetrics implements ChatObserver, MeterBinder {
    /** The send-to-commit timer. */
    public static final String SEND_COMMIT = "parley.send.commit";
    /** The commit-to-fan-out timer. */
    public static final String SEND_FANOUT = "parley.send.fanout";
    /** The login timer. */
    public static final String LOGIN = "parley.login";
    /** The counter of messages stored. */
    public static final String MESSAGES_SENT = "parley.messages.sent";
    /** The counter of failed publications. */
    public static final String PUBLISH_FAILURES = "parley.fanout.publish.failures";

    /** One registry's meters. */
    private static final class Meters {
        final Timer sendCommit;
        final Timer sendFanout;
        final Map<LoginOutcome, Timer> login = new EnumMap<>(LoginOutcome.class);
        final Counter messagesSent;
        final Counter publishFailures;

        Meters(MeterRegistry registry, Iterable<Tag> tags) {
            sendCommit = Timer.builder(SEND_COMMIT).tags(tags)
                    .description("From a send to its commit to the store, idempotent retries included")
                    .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
            sendFanout = Timer.builder(SEND_FANOUT).tags(tags)
                    .description("From a sent message's commit until the fan-out took it")
                    .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(100_000))
                    .maximumExpectedValue(Duration.ofSeconds(5)).register(registry);
            for (LoginOutcome outcome : LoginOutcome.values()) {
                login.put(outcome, Timer.builder(LOGIN).tags(tags)
                        .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                        .description("Logins by outcome, password hashing included")
                        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(10))
                        .maximumExpectedValue(Duration.ofSeconds(30)).register(registry));
            }
            messagesSent = Counter.builder(MESSAGES_SENT).tags(tags)
                    .description("Messages stored; idempotent retries are not counted").register(registry);
            publishFailures = Counter.builder(PUBLISH_FAILURES).tags(tags)
                    .description("Committed changes the fan-out failed to publish; subscribers catch up from the store")
                    .register(registry);
        }
    }

    private final Tags tags;
    private final List<Meters> bound = new CopyOnWriteArrayList<>();

    /** Meters without extra tags. */
    public ChatServiceMetrics() {
        this(Tags.empty());
    }

    /**
     * Meters with extra tags.
     *
     * @param tags added to every meter
     */
    public ChatServiceMetrics(Iterable<Tag> tags) {
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags == null"));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        bound.add(new Meters(Objects.requireNonNull(registry, "registry == null"), tags));
    }

    @Override
    public void messageCommitted(Message message, boolean created, Duration sendToCommit) {
        for (Meters m : bound) {
            m.sendCommit.record(sendToCommit);
            if (created) {
                m.messagesSent.increment();
            }
        }
    }

    @Override
    public void messagePublished(Message message, boolean published, Duration commitToFanout) {
        for (Meters m : bound) {
            m.sendFanout.record(commitToFanout);
        }
    }

    @Override
    public void publishFailed(ChatEvent event, RuntimeException failure) {
        for (Meters m : bound) {
            m.publishFailures.increment();
        }
    }

    @Override
    public void loginFinished(LoginOutcome outcome, Duration duration) {
        for (Meters m : bound) {
            m.login.get(outcome).record(duration);
        }
    }
}
