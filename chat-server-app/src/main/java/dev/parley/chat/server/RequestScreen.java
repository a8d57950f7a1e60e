package dev.parley.chat.server;

import java.io.CharConversionException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.util.MimeHeaders;
import org.glassfish.grizzly.http.util.RequestURIRef;

/**
 * Decides, once a request's header section is parsed and before it is routed, whether to refuse it. Three kinds of
 * request are refused:
 *
 * <ul>
 *   <li>{@code 400 invalid_path}: the path is not {@linkplain PathCodec#isPlainPath plain}, or Grizzly's own URI
 *       decoder cannot decode it. Grizzly decodes and normalises the path to route the request, and answers a path
 *       it cannot decode with a bare 500 (for example a segment of three or more dots, which its normaliser shortens
 *       to {@code ..} and then rejects); refused here, such a path never reaches that decoder.
 *   <li>{@code 400 malformed_request}: a header section that another HTTP parser, such as a proxy in front of the
 *       server, could frame or route differently (request smuggling, RFC 9112 §6.3 and §3.2, RFC 9110 §5): both
 *       {@code Content-Length} and {@code Transfer-Encoding}; a {@code Transfer-Encoding} other than exactly
 *       {@code chunked}; a field name that is not a token (such as {@code Transfer-Encoding :}); a field value with
 *       NUL, CR or LF; more than one {@code Host}, or a {@code Host} that is not a host and port.
 *   <li>{@code 400 invalid_argument}: a query string that is not {@linkplain PathCodec#isPlainQuery plain}, whose
 *       parameters Grizzly would drop without telling (and log, with their raw value, on every request).
 * </ul>
 *
 * Stateless and thread-safe.
 */
final class RequestScreen {
    /** RFC 9110 {@code tchar}: the characters of a field name. */
    private static final AsciiSet TOKEN = new AsciiSet("!#$%&'*+-.^_`|~" + AsciiSet.ALPHANUMERIC);
    /** RFC 3986 {@code reg-name}, IP literals and a port: what a {@code Host} value may hold. */
    private static final AsciiSet HOST = new AsciiSet("-._~!$&'()*+,;=%:[]" + AsciiSet.ALPHANUMERIC);

    private RequestScreen() {
    }

    /** Why to refuse the request, or {@code null} to serve it. */
    static HttpError check(HttpRequestPacket request) {
        HttpError headers = checkHeaders(request.getHeaders());
        if (headers != null) {
            return headers;
        }
        if (!checkPath(request.getRequestURIRef())) {
            return HttpError.invalidPath();
        }
        return PathCodec.isPlainQuery(request.getQueryString()) ? null
                : HttpError.invalidArgument("The query string is not plain: RFC 3986 characters, escapes of UTF-8, "
                        + "and a name for every parameter.");
    }

    /**
     * Whether the path is plain and Grizzly's decoder accepts it too: for a plain path it always does (a seeded fuzz
     * test checks that), but asking it anyway keeps "never a 500" true whatever a later Grizzly's normaliser does.
     * Any failure of that decoder counts as "cannot decode": on some inputs it throws more than the exception it
     * declares (it may write one byte past its buffer when a path ends in a dot segment).
     */
    static boolean checkPath(RequestURIRef uri) {
        if (!PathCodec.isPlainPath(uri.getURI())) {
            return false;
        }
        try {
            uri.getDecodedRequestURIBC(false, StandardCharsets.UTF_8);
            return true;
        } catch (CharConversionException | RuntimeException e) {
            return false;
        }
    }

    static HttpError checkHeaders(MimeHeaders headers) {
        int hosts = 0;
        StringBuilder transferEncoding = null;
        for (int i = 0; i < headers.size(); i++) {
            String name = headers.getName(i).toString();
            String value = headers.getValue(i).toString();
            if (name.isEmpty() || !TOKEN.containsAll(name)) {
                return HttpError.malformedRequest("A header field name is not a token.");
            }
            if (value.indexOf('\0') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                return HttpError.malformedRequest("A header field value holds NUL, CR or LF.");
            }
            switch (name.toLowerCase(Locale.ROOT)) {
                case "host" -> {
                    hosts++;
                    if (!HOST.containsAll(value.strip())) {
                        return HttpError.malformedRequest("The Host header is not a host and port.");
                    }
                }
                case "transfer-encoding" -> transferEncoding = (transferEncoding == null
                        ? new StringBuilder() : transferEncoding.append(',')).append(value);
                default -> {
                }
            }
        }
        if (hosts > 1) {
            return HttpError.malformedRequest("More than one Host header.");
        }
        if (transferEncoding != null && !transferEncoding.toString().strip().equalsIgnoreCase("chunked")) {
            return HttpError.malformedRequest("The only Transfer-Encoding accepted is chunked.");
        }
        return null;
    }
}
