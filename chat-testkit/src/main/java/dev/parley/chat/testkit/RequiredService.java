package dev.parley.chat.testkit;

import java.util.Objects;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A service some tests need (PostgreSQL, Redis): {@link #require()} skips the calling test with the reason when the
 * service cannot be reached, except when the environment variable {@code CI} is {@code true}, where it fails the
 * test instead, so that CI never passes without them. The service is probed once per instance; keep instances in
 * static fields.
 *
 * <pre>{@code
 * static final RequiredService POSTGRES = new RequiredService("PostgreSQL", URL,
 *         () -> DriverManager.getConnection(URL).close());
 * @BeforeEach void needsPostgres() { POSTGRES.require(); }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class RequiredService {
    private final String name;
    private final String address;
    private final Probe probe;
    private volatile String unreachable; // null: reachable (or not probed yet)
    private volatile boolean probed;

    /**
     * Describes a service.
     *
     * @param name what it is, for the message ("PostgreSQL")
     * @param address where it is expected, for the message; must not hold credentials
     * @param probe throws if the service cannot be used
     */
    public RequiredService(String name, String address, Probe probe) {
        this.name = Objects.requireNonNull(name, "name == null");
        this.address = Objects.requireNonNull(address, "address == null");
        this.probe = Objects.requireNonNull(probe, "probe == null");
    }

    /**
     * Returns if the service is reachable; otherwise skips the current test, or fails it under {@code CI=true}.
     */
    public void require() {
        if (!probed) {
            synchronized (this) {
                if (!probed) {
                    try {
                        probe.check();
                    } catch (Exception e) {
                        unreachable = e.getMessage() != null ? e.getMessage() : e.toString();
                    }
                    probed = true;
                }
            }
        }
        if (unreachable != null) {
            unavailable(name + " not reachable at " + address + ": " + unreachable);
        }
    }

    /**
     * Skips the current test with the message, or fails it under {@code CI=true}, where tests needing services
     * must run.
     *
     * @param message why the test cannot run
     */
    public static void unavailable(String message) {
        if ("true".equals(System.getenv("CI"))) {
            Assertions.fail(message + " (CI=true: these tests must run)");
        }
        Assumptions.abort(message);
    }

    /** Checks that a service can be used. */
    @FunctionalInterface
    public interface Probe {
        /**
         * Throws if the service cannot be used.
         *
         * @throws Exception why not
         */
        void check() throws Exception;
    }
}
