package dev.parley.chat.server;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/**
 * Serves the chat page from the class path folder {@value #ROOT}, and answers 404 problem+json for every other
 * unknown path. A path can never leave the folder: it must decode (strictly, as UTF-8) to segments of letters,
 * digits, {@code _}, {@code -} and {@code .} that do not start with a dot, and end in a known file type; anything
 * else ({@code ..}, encoded dots or slashes, overlong UTF-8, backslashes, NUL) is a 404.
 *
 * <p>Besides that folder it serves exactly one file of a WebJar: Vue's self-contained runtime ES module, at
 * {@value #VUE_PATH}, read from {@code META-INF/resources/webjars/vue/<version>/dist/} of the {@code org.webjars.npm:vue}
 * jar on the class path (the version is read from that jar's {@code pom.properties}). The path is compared as a whole
 * string; no other part of the WebJar, nor any other class path resource, is reachable. The runtime build is the one
 * that works under the page's Content Security Policy: the full build compiles templates with {@code Function()},
 * which {@code script-src 'self'} forbids, so the page uses render functions.
 */
final class StaticHandler extends ParleyHandler {
    static final String ROOT = "dev/parley/chat/server/web/";
    /** Where the page loads Vue from. */
    static final String VUE_PATH = "/vendor/vue.runtime.esm-browser.prod.js";
    private static final String VUE_POM_PROPERTIES = "META-INF/maven/org.webjars.npm/vue/pom.properties";
    private static final Pattern VERSION = Pattern.compile("[0-9]+\\.[0-9]+\\.[0-9]+[A-Za-z0-9.-]*");

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
    /** The class path resource served at {@link #VUE_PATH}, or {@code null} if the WebJar is missing. */
    private final String vueResource;

    StaticHandler(Context context, ClassLoader loader) {
        super(context);
        this.loader = loader;
        this.vueResource = vueResource(loader);
    }

    /** Finds Vue's runtime module in the WebJar on the class path; {@code null} if there is none. */
    static String vueResource(ClassLoader loader) {
        Properties properties = new Properties();
        try (InputStream in = loader.getResourceAsStream(VUE_POM_PROPERTIES)) {
            if (in == null) {
                return null;
            }
            properties.load(in);
        } catch (IOException e) {
            return null;
        }
        String version = properties.getProperty("version", "").strip();
        if (!VERSION.matcher(version).matches()) {
            return null;
        }
        return "META-INF/resources/webjars/vue/" + version + "/dist/vue.runtime.esm-browser.prod.js";
    }

    @Override
    void handle(Request request, Response response) throws IOException {
        String raw = request.getRequestURI();
        String path;
        try {
            path = PathCodec.decode(raw);
        } catch (IllegalArgumentException e) {
            throw HttpError.invalidPath(); // HttpGuard refuses these before routing; kept for direct use
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
        String resource = path.equals(VUE_PATH) ? vueResource : ROOT + path.substring(1);
        if (resource == null) {
            throw HttpError.notFound();
        }
        byte[] bytes;
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw HttpError.notFound();
            }
            bytes = in.readAllBytes();
        }
        requireGet(request);
        // Revalidated on every use (no-cache), so a new build is picked up at once; unchanged files cost a 304.
        String etag = etag(bytes);
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("ETag", etag);
        String ifNoneMatch = request.getHeader("If-None-Match");
        if (ifNoneMatch != null && ifNoneMatch.contains(etag)) {
            response.setStatus(304);
            return;
        }
        writeBytes(response, 200, type, bytes);
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
