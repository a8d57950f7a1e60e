package dev.parley.chat.transport.websocket;

import dev.parley.chat.transport.websocket.Authenticator;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The validated options of a {@link ChatWebSocket}.
 *
 * @param path the endpoint path
 * @param allowedOrigins normalised origins; empty for same-origin
 * @param maxFrameBytes the largest inbound text message in UTF-8 bytes
 * @param outboundQueueLimit live frames that may wait per socket
 * @param ratePerSecond inbound frames per second per socket
 * @param rateBurst inbound burst per socket
 * @param maxConnectionsPerAddress open sockets per remote address
 * @param authTimeout time allowed before {@code auth}
 * @param pingInterval keep-alive ping period
 * @param tokenRecheckInterval token re-validation period
 * @param sendTimeout asynchronous send timeout
 * @param authenticator token check
 * @param clock bookkeeping clock
 */
record Settings(
        String path,
        Set<String> allowedOrigins,
        int maxFrameBytes,
        int outboundQueueLimit,
        int ratePerSecond,
        int rateBurst,
        int maxConnectionsPerAddress,
        Duration authTimeout,
        Duration pingInterval,
        Duration tokenRecheckInterval,
        Duration sendTimeout,
        Authenticator authenticator,
        Clock clock) {

    /** Checks the components for {@code null}; ranges are the builder's job. */
    Settings {
        Objects.requireNonNull(path, "path");
        allowedOrigins = Set.copyOf(allowedOrigins);
        Objects.requireNonNull(authTimeout, "authTimeout");
        Objects.requireNonNull(pingInterval, "pingInterval");
        Objects.requireNonNull(tokenRecheckInterval, "tokenRecheckInterval");
        Objects.requireNonNull(sendTimeout, "sendTimeout");
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(clock, "clock");
    }

    /**
     * Normalises a configured origin to {@code scheme://host[:port]}: lower case, default port dropped.
     *
     * @param origin the configured origin
     * @return the normalised origin
     * @throws IllegalArgumentException if it is not an http(s) origin
     */
    static String normaliseOrigin(String origin) {
        Objects.requireNonNull(origin, "allowedOrigins contains null");
        String n = Origins.normalise(origin);
        if (n == null) {
            throw new IllegalArgumentException("allowedOrigins: expected scheme://host[:port] with http or https: "
                    + origin);
        }
        return n;
    }

    /** Origin parsing shared by the builder and the handshake check. */
    static final class Origins {
        private Origins() {
        }

        /** The normalised origin, or {@code null} if the text is not an http(s) origin. */
        static String normalise(String origin) {
            URI uri;
            try {
                uri = new URI(origin.trim());
            } catch (URISyntaxException e) {
                return null;
            }
            String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
            if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                    || uri.getRawUserInfo() != null || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())
                    || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                return null;
            }
            int port = uri.getPort();
            boolean defaultPort = port == -1 || port == defaultPort(scheme);
            return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        }

        /**
         * Whether a normalised origin names the same host and port as a {@code Host} header. The header's missing
         * port defaults to the origin scheme's default port.
         */
        static boolean sameHost(String normalisedOrigin, String hostHeader) {
            if (hostHeader == null || hostHeader.isBlank()) {
                return false;
            }
            int sep = normalisedOrigin.indexOf("://");
            String scheme = normalisedOrigin.substring(0, sep);
            String originAuthority = normalisedOrigin.substring(sep + 3);
            String host = hostHeader.trim().toLowerCase(Locale.ROOT);
            // Host is host[:port] or [v6]:port; drop the port if it is the scheme's default, as the origin does.
            int colon = host.lastIndexOf(':');
            if (colon > host.lastIndexOf(']')) {
                String port = host.substring(colon + 1);
                if (port.equals(Integer.toString(defaultPort(scheme)))) {
                    host = host.substring(0, colon);
                }
            }
            return originAuthority.equals(host);
        }

        private static int defaultPort(String scheme) {
            return scheme.equals("https") ? 443 : 80;
        }
    }
}
