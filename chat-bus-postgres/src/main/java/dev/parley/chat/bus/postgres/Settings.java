package dev.parley.chat.bus.postgres;

import java.time.Duration;
import java.util.Properties;
import java.util.regex.Pattern;

/** The validated settings of a {@link PostgresBus}; see its builder for their meaning. Immutable. */
record Settings(
        String jdbcUrl,
        String user,
        String password,
        String channel,
        Duration pollInterval,
        Duration batchDelay,
        Duration connectTimeout,
        String applicationName,
        Duration minBackoff,
        Duration maxBackoff,
        int maxQueuedPayloads) {

    /** A plain identifier: PostgreSQL's NAMEDATALEN is 64, so at most 63 bytes. */
    private static final Pattern CHANNEL = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    /** PostgreSQL replaces anything but printable ASCII in application_name with '?'. */
    private static final Pattern APPLICATION_NAME = Pattern.compile("[\\x20-\\x7e]{1,63}");

    /** A socket that stays silent this long during a statement is broken (pgjdbc's socketTimeout, seconds). */
    static final int SOCKET_TIMEOUT_SECONDS = 10;

    Settings {
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("jdbcUrl must start with jdbc:postgresql:");
        }
        if (!CHANNEL.matcher(channel).matches()) {
            throw new IllegalArgumentException("channel must be a plain identifier ([A-Za-z_][A-Za-z0-9_]*) of at most"
                    + " 63 characters: " + channel);
        }
        check("pollInterval", pollInterval, Duration.ofMillis(10), Duration.ofSeconds(5));
        check("batchDelay", batchDelay, Duration.ZERO, Duration.ofSeconds(1));
        check("connectTimeout", connectTimeout, Duration.ofMillis(250), Duration.ofMinutes(5));
        if (!APPLICATION_NAME.matcher(applicationName).matches()) {
            throw new IllegalArgumentException("applicationName must be 1 to 63 printable ASCII characters");
        }
        check("reconnectBackoff min", minBackoff, Duration.ofMillis(1), Duration.ofMinutes(1));
        check("reconnectBackoff max", maxBackoff, minBackoff, Duration.ofMinutes(5));
        if (maxQueuedPayloads < 1 || maxQueuedPayloads > 10_000_000) {
            throw new IllegalArgumentException("maxQueuedPayloads must be from 1 to 10,000,000: " + maxQueuedPayloads);
        }
    }

    private static void check(String name, Duration value, Duration min, Duration max) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " must be from " + min + " to " + max + ": " + value);
        }
    }

    /**
     * The connection properties: credentials, application name, timeouts (pgjdbc takes whole seconds, so rounded
     * up) and TCP keep-alive. Parameters of the same names in the JDBC URL win over these.
     */
    Properties connectionProperties() {
        Properties properties = new Properties();
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("ApplicationName", applicationName);
        String connectSeconds = Long.toString(ceilSeconds(connectTimeout));
        properties.setProperty("connectTimeout", connectSeconds);
        properties.setProperty("loginTimeout", connectSeconds);
        properties.setProperty("socketTimeout", Integer.toString(SOCKET_TIMEOUT_SECONDS));
        properties.setProperty("tcpKeepAlive", "true");
        return properties;
    }

    private static long ceilSeconds(Duration duration) {
        return (duration.toMillis() + 999) / 1000;
    }

    /** The channel quoted as an identifier (it holds no quote: see the pattern). */
    String quotedChannel() {
        return '"' + channel + '"';
    }

    @Override
    public String toString() {
        return "Settings[channel=" + channel + ", applicationName=" + applicationName + "]"; // no password
    }
}
