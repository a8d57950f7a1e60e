package dev.parley.chat.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/**
 * Serves the chat page from the class path folder {@value #ROOT}, and answers 404 problem+json for every other
 * unknown path. A path can never leave the folder: it must decode (strictly, as UTF-8) to segments of letters,
 * digits, {@code _}, {@code -} and {@code .} that do not start with a dot, and end in a known file type; anything
 * else ({@code ..}, encoded dots or slashes, overlong UTF-8, backslashes, NUL) is a 404.
 */
final class StaticHandler extends ParleyHandler {
    static final String ROOT = "dev/parley/chat/server/web/";

    private static final Pattern SAFE_PATH = Pattern.compile("(/[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}){1,8}");
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html;charset=utf-8"),
            Map.entry("js", "text/javascript;charset=utf-8"),
            Map.entry("mjs", "text/javascript;charset=utf-8"),
            Map.entry("css", "text/css;charset=utf-8"),
            Map.entry("json", "application/json;charset=utf-8"),
            Map.entry("map", "application/json;charset=utf-8"),
            Map.entry("txt", "text/plain;charset=utf-8"),
            Map.entry("svg", "image/svg+xml;charset=utf-8"),
            Map.entry("png", "image/png"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("webp", "image/webp"),
            Map.entry("woff2", "font/woff2"));

    private final ClassLoader loader;

    StaticHandler(Context context, ClassLoader loader) {
        super(context);
        this.loader = loader;
    }

    @Override
    void handle(Request request, Response response) throws IOException {
        String raw = request.getRequestURI();
        String path;
        try {
            path = PathCodec.decode(raw);
        } catch (IllegalArgumentException e) {
            throw HttpError.notFound();
        }
        if (path.equals("/")) {
            path = "/index.html";
        }
        String lower = raw.toLowerCase(Locale.ROOT);
        if (!SAFE_PATH.matcher(path).matches() || path.contains("..") || lower.contains("%2f")
                || lower.contains("%5c")) {
            throw HttpError.notFound();
        }
        int dot = path.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(path.substring(dot + 1).toLowerCase(Locale.ROOT));
        if (type == null) {
            throw HttpError.notFound();
        }
        byte[] bytes;
        try (InputStream in = loader.getResourceAsStream(ROOT + path.substring(1))) {
            if (in == null) {
                throw HttpError.notFound();
            }
            bytes = in.readAllBytes();
        }
        requireGet(request);
        response.setHeader("Cache-Control", "no-cache");
        writeBytes(response, 200, type, bytes);
    }
}
