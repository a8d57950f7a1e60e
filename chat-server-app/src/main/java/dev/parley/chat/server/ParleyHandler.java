package dev.parley.chat.server;

import dev.parley.chat.core.ChatException;
import dev.parley.chat.core.ErrorCode;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/**
 * The base of every HTTP handler: answers requests that {@link HttpGuard} refused, turns failures into problem+json,
 * counts requests and errors, and tracks requests in flight for shutdown. Security headers are added to every
 * response by {@link HttpGuard}, not here.
 */
abstract class ParleyHandler extends HttpHandler {
    private static final System.Logger LOG = System.getLogger(ParleyHandler.class.getName());
    /** The request attribute that names the route template that answered (see {@link #route}). */
    static final String ROUTE = "parley.route";

    /** Shared by all handlers of one server. */
    static final class Context {
        final Metrics metrics;
        final InFlight inFlight;
        final int maxBodyBytes;

        Context(Metrics metrics, InFlight inFlight, int maxBodyBytes) {
            this.metrics = metrics;
            this.inFlight = inFlight;
            this.maxBodyBytes = maxBodyBytes;
        }
    }

    final Context context;

    ParleyHandler(Context context) {
        this.context = context;
    }

    /**
     * Grizzly answers {@code Expect: 100-continue} with 100 before {@link #service} runs; a request that will be
     * refused whatever its body (screened out, or announcing a body over the limit) gets its final answer instead,
     * so that the client need not send the body (RFC 9110 §10.1.1). Grizzly closes the connection after such an
     * answer (400 or 413), which it has to: whether the client sends the body after all is not known.
     */
    @Override
    protected boolean sendAcknowledgment(Request request, Response response) throws IOException {
        if (request.getAttribute(HttpGuard.REFUSAL) != null || request.getContentLengthLong() > context.maxBodyBytes) {
            return true; // service() answers at once
        }
        return super.sendAcknowledgment(request, response);
    }

    /** Handles one request; may throw {@link HttpError} or {@link ChatException}. */
    abstract void handle(Request request, Response response) throws IOException;

    /**
     * The route template that answered, for the request timer's {@code route} tag: never the raw path, whose values
     * are unbounded. A handler that serves several routes sets {@link #ROUTE} on the request; the default is
     * {@code /**}.
     */
    String route(Request request) {
        return request.getAttribute(ROUTE) instanceof String route ? route : "/**";
    }

    @Override
    public final void service(Request request, Response response) throws Exception {
        long start = System.nanoTime();
        context.inFlight.enter();
        try {
            if (request.getAttribute(HttpGuard.REFUSAL) instanceof HttpError refusal) {
                throw refusal; // screened out before routing (see HttpGuard); whatever handler it reached
            }
            if (request.getContentLengthLong() > context.maxBodyBytes) {
                throw tooLarge();
            }
            handle(request, response);
        } catch (HttpError e) {
            fail(response, e.status(), e.code(), () -> Problems.write(response, e));
        } catch (ChatException e) {
            if (e.code() == ErrorCode.INTERNAL_ERROR) {
                LOG.log(System.Logger.Level.ERROR, "Internal error serving " + describe(request), e);
            }
            fail(response, Problems.status(e.code()), e.code().code(), () -> Problems.write(response, e));
        } catch (IOException e) {
            // Usually the client went away; nothing can be written any more.
            LOG.log(System.Logger.Level.DEBUG, "I/O error serving " + describe(request) + ": " + e);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "Internal error serving " + describe(request), e);
            fail(response, 500, ErrorCode.INTERNAL_ERROR.code(), () -> Problems.write(response, 500,
                    ErrorCode.INTERNAL_ERROR.code(), "Internal error.", Map.of()));
        } finally {
            context.metrics.request(request.getMethod().getMethodString(), route(request), response.getStatus(),
                    System.nanoTime() - start);
            context.inFlight.exit();
        }
    }

    private interface Writer {
        void write() throws IOException;
    }

    private void fail(Response response, int status, String code, Writer writer) {
        context.metrics.error(code);
        try {
            writer.write();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "Could not write an error response: " + e);
        }
    }

    /** Method and path only: never the query string, headers or body, which may carry secrets. */
    private static String describe(Request request) {
        return request.getMethod().getMethodString() + " " + request.getRequestURI();
    }

    HttpError tooLarge() {
        // The rest of the body is not read: close rather than parse it as the next request.
        return new HttpError(413, HttpError.PAYLOAD_TOO_LARGE,
                "The request body is larger than " + context.maxBodyBytes + " bytes.", Map.of("Connection", "close"));
    }

    static void writeJson(Response response, int status, JsonObject body) throws IOException {
        writeBytes(response, status, "application/json;charset=utf-8",
                body.toString().getBytes(StandardCharsets.UTF_8));
        response.setHeader("Cache-Control", "no-store");
    }

    static void writeBytes(Response response, int status, String contentType, byte[] bytes) throws IOException {
        response.setStatus(status);
        response.setContentType(contentType);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** Rejects every method but GET and HEAD. */
    static void requireGet(Request request) {
        String method = request.getMethod().getMethodString();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            throw HttpError.methodNotAllowed("GET, HEAD");
        }
    }
}
