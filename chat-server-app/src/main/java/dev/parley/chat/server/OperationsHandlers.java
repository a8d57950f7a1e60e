package dev.parley.chat.server;

import dev.parley.chat.core.ChatService;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/**
 * {@code /health/live}, {@code /health/ready} (also at {@code /health}), {@code /metrics} and {@code /openapi.yaml}.
 * See {@code docs/operations.md} for what the two health checks mean to an orchestrator.
 */
final class OperationsHandlers {
    static final String OPENAPI_RESOURCE = "dev/parley/chat/server/openapi.yaml";

    private OperationsHandlers() {
    }

    /**
     * Liveness: 200 {@code {"status":"ok"}} whenever the process serves HTTP. Never touches the storage, so a database
     * outage does not make an orchestrator restart a server that would come back by itself.
     */
    static final class Liveness extends ParleyHandler {
        Liveness(Context context) {
            super(context);
        }

        @Override
        String route(Request request) {
            return "/health/live";
        }

        @Override
        void handle(Request request, Response response) throws IOException {
            requireGet(request);
            writeOk(response);
        }
    }

    /**
     * Readiness: 200 {@code {"status":"ok"}} while the service is open and its storage serves reads and writes
     * ({@link ChatService#checkHealth()}; the storage rate-limits its probe); 503 problem+json otherwise, with the
     * storage's code ({@code storage_unavailable}) and reason, or {@code bus_unavailable} on a cluster node whose bus
     * is not connected. Never a stack trace in the log: an outage is expected.
     */
    static final class Readiness extends ParleyHandler {
        /** A cluster node whose bus is not connected (or found deaf): it would miss live events. */
        static final String BUS_UNAVAILABLE = "bus_unavailable";

        private final ChatService chat;
        private final Supplier<String> busProblem;

        Readiness(Context context, ChatService chat, Supplier<String> busProblem) {
            super(context);
            this.chat = chat;
            this.busProblem = busProblem;
        }

        @Override
        String route(Request request) {
            return "/health".equals(request.getRequestURI()) ? "/health" : "/health/ready";
        }

        @Override
        void handle(Request request, Response response) throws IOException {
            requireGet(request);
            chat.checkHealth();
            String problem = busProblem.get();
            if (problem != null) {
                throw new HttpError(503, BUS_UNAVAILABLE, problem + "; rooms poll the database until it is back",
                        Map.of("Retry-After", "1"));
            }
            writeOk(response);
        }
    }

    private static void writeOk(Response response) throws IOException {
        ParleyHandler.writeJson(response, 200, JsonBodies.JSON.createObjectBuilder().add("status", "ok").build());
    }

    /** Every meter of the server's registry, in the Prometheus text exposition format. */
    static final class Prometheus extends ParleyHandler {
        Prometheus(Context context) {
            super(context);
        }

        @Override
        String route(Request request) {
            return "/metrics";
        }

        @Override
        void handle(Request request, Response response) throws IOException {
            requireGet(request);
            byte[] text = context.metrics.scrape().getBytes(StandardCharsets.UTF_8);
            response.setHeader("Cache-Control", "no-store");
            writeBytes(response, 200, "text/plain;version=0.0.4;charset=utf-8", text);
        }
    }

    /** {@code docs/openapi.yaml}, copied into the jar at build time. */
    static final class OpenApi extends ParleyHandler {
        private final byte[] yaml;

        OpenApi(Context context, ClassLoader loader) {
            super(context);
            try (InputStream in = loader.getResourceAsStream(OPENAPI_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(OPENAPI_RESOURCE + " is missing from the class path");
                }
                yaml = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        String route(Request request) {
            return "/openapi.yaml";
        }

        @Override
        void handle(Request request, Response response) throws IOException {
            requireGet(request);
            response.setHeader("Cache-Control", "no-cache");
            writeBytes(response, 200, "application/yaml;charset=utf-8", yaml);
        }
    }
}
