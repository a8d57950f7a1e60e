package dev.parley.chat.server;

import dev.parley.chat.core.AuthenticationException;
import dev.parley.chat.core.ChatService;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.HistoryQuery;
import dev.parley.chat.core.LoginResult;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.NotFoundException;
import dev.parley.chat.core.Room;
import dev.parley.chat.core.RoomType;
import dev.parley.chat.core.User;
import dev.parley.chat.json.ChatJson;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/**
 * The REST API under {@code /api}: a thin layer over {@link ChatService}. Requests and responses are JSON; callers
 * authenticate with {@code Authorization: Bearer <token>}; every failure is problem+json (see {@link Problems}).
 * {@code docs/openapi.yaml} describes every route.
 */
final class ApiHandler extends ParleyHandler {
    static final String PREFIX = "/api";
    private static final int DEFAULT_PAGE = 50;
    private static final int DEFAULT_CHANGES_PAGE = 100;
    private static final int DEFAULT_SEARCH_PAGE = 20;

    /** One route's implementation. */
    @FunctionalInterface
    private interface Action {
        void run(Call call) throws IOException;
    }

    private final ChatService chat;
    private final LoginThrottle throttle;
    private final Consumer<String> closeSocketsForToken;
    /** Route key (like {@code rooms/* /join}) → method → action. */
    private final Map<String, Map<String, Action>> routes = new HashMap<>();
    /** Route key → its template for metrics, like {@code /api/rooms/{room}/join}. */
    private final Map<String, String> templates = new HashMap<>();

    ApiHandler(Context context, ChatService chat, LoginThrottle throttle, Consumer<String> closeSocketsForToken) {
        super(context);
        this.chat = chat;
        this.throttle = throttle;
        this.closeSocketsForToken = closeSocketsForToken;
        route("POST", "register", this::register);
        route("POST", "login", this::login);
        route("POST", "logout", this::logout);
        route("DELETE", "sessions", this::logoutEverywhere);
        route("GET", "users/*", this::user);
        route("GET", "version", c -> writeJson(c.response, 200, JsonBodies.JSON.createObjectBuilder()
                .add("version", BuildInfo.current().version())
                .add("commit", BuildInfo.current().commit()).build()));
        route("GET", "rooms", c -> writeJson(c.response, 200, JsonBodies.rooms(chat.listRooms(c.user()))));
        route("POST", "rooms", this::createRoom);
        route("GET", "rooms/*", c -> room(c, 200, chat.findRoom(c.user(), c.param(0))));
        route("POST", "rooms/*/join", c -> room(c, 200, chat.join(c.user(), c.param(0))));
        route("POST", "rooms/*/leave", this::leave);
        route("GET", "rooms/*/members", c -> writeJson(c.response, 200,
                JsonBodies.members(chat.members(c.user(), c.param(0)))));
        route("POST", "rooms/*/members", c -> room(c, 200,
                chat.addMember(c.user(), c.param(0), JsonBodies.requiredString(c.body(), "username"))));
        route("POST", "rooms/*/read", this::markRead);
        route("GET", "rooms/*/changes", this::changes);
        route("POST", "direct", c -> room(c, 200,
                chat.openDirect(c.user(), JsonBodies.requiredString(c.body(), "username"))));
        route("GET", "messages", this::history);
        route("POST", "messages", this::send);
        route("PATCH", "messages/*", this::edit);
        route("DELETE", "messages/*", c -> message(c, 200, chat.delete(c.user(), c.messageId())));
        route("PUT", "messages/*/reactions/*", c -> message(c, 200,
                chat.react(c.user(), c.messageId(), c.param(1))));
        route("DELETE", "messages/*/reactions/*", c -> message(c, 200,
                chat.unreact(c.user(), c.messageId(), c.param(1))));
        route("GET", "search", this::search);
    }

    private void route(String method, String key, Action action) {
        routes.computeIfAbsent(key, k -> new HashMap<>()).put(method, action);
        templates.put(key, PREFIX + "/" + key.replace("rooms/*", "rooms/{room}")
                .replace("messages/*", "messages/{id}").replace("reactions/*", "reactions/{emoji}"));
    }

    /** The matched route's template, as in {@code docs/openapi.yaml}; {@code /api/**} when none matched. */
    @Override
    String route(Request request) {
        return request.getAttribute(ROUTE) instanceof String route ? route : PREFIX + "/**";
    }

    @Override
    void handle(Request request, Response response) throws IOException {
        List<String> segments;
        try {
            segments = PathCodec.segments(request.getRequestURI(), PREFIX);
        } catch (IllegalArgumentException e) {
            throw HttpError.invalidPath(); // HttpGuard refuses these before routing; kept for direct use
        }
        if (segments == null || segments.isEmpty()) {
            throw HttpError.notFound();
        }
        StringBuilder key = new StringBuilder(segments.get(0));
        for (int i = 1; i < segments.size(); i++) {
            // the odd segments are parameters: rooms/{room}/join, messages/{id}
            key.append('/').append(i % 2 == 1 ? "*" : segments.get(i));
        }
        Map<String, Action> byMethod = routes.get(key.toString());
        if (byMethod == null) {
            throw HttpError.notFound();
        }
        request.setAttribute(ROUTE, templates.get(key.toString()));
        String method = request.getMethod().getMethodString();
        Action action = byMethod.get(method);
        if (action == null && method.equals("HEAD")) {
            action = byMethod.get("GET"); // Grizzly sends the headers of the GET response and drops its body
        }
        if (action == null) {
            Set<String> allowed = new TreeSet<>(byMethod.keySet());
            if (allowed.contains("GET")) {
                allowed.add("HEAD");
            }
            throw HttpError.methodNotAllowed(String.join(", ", allowed));
        }
        action.run(new Call(request, response, segments));
    }

    // ---- accounts -----------------------------------------------------------------------------------------------

    private void register(Call c) throws IOException {
        JsonObject body = c.body();
        String username = JsonBodies.requiredString(body, "username");
        String password = JsonBodies.requiredString(body, "password");
        User user = chat.register(username, password);
        c.response.setHeader("Location", PREFIX + "/users/" + segment(user.username()));
        writeJson(c.response, 201, ChatJson.user(user));
    }

    /** A user by name (as compared for login); any signed-in user may look one up. */
    private void user(Call c) throws IOException {
        c.user();
        User user = chat.findUser(c.param(0))
                .orElseThrow(() -> new NotFoundException(ErrorCode.USER_NOT_FOUND, "no such user"));
        writeJson(c.response, 200, ChatJson.user(user));
    }

    private void login(Call c) throws IOException {
        JsonObject body = c.body();
        String username = JsonBodies.requiredString(body, "username");
        String password = JsonBodies.requiredString(body, "password");
        String address = c.request.getRemoteAddr();
        Optional<Duration> wait = throttle.attempt(username, address);
        if (wait.isPresent()) {
            long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
            throw new HttpError(429, ErrorCode.RATE_LIMITED.code(),
                    "Too many failed logins; try again in " + seconds + " seconds.",
                    Map.of("Retry-After", Long.toString(seconds)));
        }
        LoginResult result;
        try {
            result = chat.login(username, password);
        } catch (AuthenticationException e) {
            throw e; // a wrong password: the attempt stays counted
        } catch (RuntimeException e) {
            throttle.unchecked(username, address); // busy or failing: no password was checked
            throw e;
        }
        throttle.succeeded(username, address);
        writeJson(c.response, 200, JsonBodies.login(result));
    }

    private void logout(Call c) {
        String token = c.token();
        chat.logout(token);
        closeSocketsForToken.accept(token);
        c.response.setStatus(204);
    }

    /** Sign out everywhere: every session of the caller, this one included; their sockets close on every node. */
    private void logoutEverywhere(Call c) {
        String token = c.token();
        chat.logoutEverywhere(c.user());
        closeSocketsForToken.accept(token); // this node's sockets of the calling session at once, as for a logout
        c.response.setStatus(204);
    }

    // ---- rooms --------------------------------------------------------------------------------------------------

    private void createRoom(Call c) throws IOException {
        JsonObject body = c.body();
        String name = JsonBodies.requiredString(body, "name");
        boolean isPrivate = JsonBodies.optionalBoolean(body, "private", false);
        User user = c.user();
        Room room = chat.createRoom(user, name, isPrivate ? RoomType.PRIVATE : RoomType.PUBLIC);
        c.response.setHeader("Location", PREFIX + "/rooms/" + segment(room.name()));
        room(c, 201, room);
    }

    private void leave(Call c) {
        chat.leave(c.user(), c.param(0));
        c.response.setStatus(204);
    }

    private void markRead(Call c) throws IOException {
        long seq = JsonBodies.requiredLong(c.body(), "seq");
        writeJson(c.response, 200, JsonBodies.summary(chat.markRead(c.user(), c.param(0), seq)).build());
    }

    private static void room(Call c, int status, Room room) throws IOException {
        writeJson(c.response, status, JsonBodies.room(room).build());
    }

    /**
     * A page of the room's change stream after {@code after} (required), as the WebSocket's stream frames; 409
     * {@code resync_required} if {@code after} lies beyond the room's newest change.
     */
    private void changes(Call c) throws IOException {
        User user = c.user();
        Long after = number(c.request, "after");
        if (after == null) {
            throw HttpError.invalidArgument("after is required: the last change seen, 0 to read from the start.");
        }
        int limit = limit(c.request, DEFAULT_CHANGES_PAGE);
        writeJson(c.response, 200, JsonBodies.changes(chat.changes(user, c.param(0), after, limit)));
    }

    // ---- messages -----------------------------------------------------------------------------------------------

    private void history(Call c) throws IOException {
        User user = c.user();
        String room = c.request.getParameter("room");
        if (room == null || room.isEmpty()) {
            room = "general";
        }
        Long before = number(c.request, "before");
        Long after = number(c.request, "after");
        int limit = limit(c.request, DEFAULT_PAGE);
        HistoryQuery query;
        if (before != null && after != null) {
            throw HttpError.invalidArgument("Give before or after, not both.");
        } else if (before != null) {
            query = HistoryQuery.before(before, limit);
        } else if (after != null) {
            query = HistoryQuery.after(after, limit);
        } else {
            query = HistoryQuery.latest(limit);
        }
        writeJson(c.response, 200, JsonBodies.history(chat.history(user, room, query)));
    }

    /**
     * Searches the caller's rooms: {@code q} (required), {@code room}, {@code before} (a message id, exclusive),
     * {@code limit} (1–100, default 20). Like every REST read, not rate-limited.
     */
    private void search(Call c) throws IOException {
        User user = c.user();
        String q = c.request.getParameter("q");
        if (q == null) {
            throw new HttpError(400, ErrorCode.INVALID_QUERY.code(), "q is required.");
        }
        String room = c.request.getParameter("room");
        Long before = number(c.request, "before");
        int limit = limit(c.request, DEFAULT_SEARCH_PAGE);
        writeJson(c.response, 200, ChatJson.searchPage(chat.search(user, q,
                room == null || room.isEmpty() ? null : room, before, limit)));
    }

    /** The {@code limit} query parameter, or the default; the service checks the upper bound. */
    private static int limit(Request request, int defaultLimit) {
        Long limit = number(request, "limit");
        if (limit == null) {
            return defaultLimit;
        }
        if (limit < 1 || limit > Integer.MAX_VALUE) {
            throw HttpError.invalidArgument("limit must be at least 1.");
        }
        return limit.intValue();
    }

    private static Long number(Request request, String name) {
        String value = request.getParameter(name);
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw HttpError.invalidArgument(name + " must be an integer.");
        }
    }

    /**
     * Sends a message, perhaps a reply ({@code replyTo}). A retry with the same {@code clientMsgId} (same room, body
     * and {@code replyTo}) answers 201 with the original
     * message, exactly as the first call did: nothing is stored twice.
     */
    private void send(Call c) throws IOException {
        JsonObject body = c.body();
        String room = JsonBodies.requiredString(body, "room");
        String text = JsonBodies.requiredString(body, "body");
        String clientMsgId = JsonBodies.optionalString(body, "clientMsgId");
        long replyTo = JsonBodies.optionalLong(body, "replyTo", 0);
        if (replyTo < 0) {
            throw HttpError.invalidArgument("replyTo is a message id.");
        }
        Message message = chat.send(c.user(), room, text, clientMsgId, replyTo);
        c.response.setHeader("Location", messageLocation(message));
        message(c, 201, message);
    }

    /**
     * Where a message can be read again: there is no {@code GET /api/messages/{id}}, so it is the page of history
     * that holds exactly this message, {@code /api/messages?room=R&after=SEQ-1&limit=1}, which shows its current
     * state (edited or deleted) for as long as the room exists.
     */
    static String messageLocation(Message message) {
        return PREFIX + "/messages?room=" + URLEncoder.encode(message.room(), StandardCharsets.UTF_8)
                + "&after=" + (message.seq() - 1) + "&limit=1";
    }

    /** One path segment, percent-encoded (names here are plain ASCII; this keeps any other name safe too). */
    private static String segment(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private void edit(Call c) throws IOException {
        long id = c.messageId();
        String text = JsonBodies.requiredString(c.body(), "body");
        message(c, 200, chat.edit(c.user(), id, text));
    }

    private static void message(Call c, int status, Message message) throws IOException {
        writeJson(c.response, status, JsonBodies.messageEnvelope(message));
    }

    // ---- one request ----------------------------------------------------------------------------------------

    /** One request: lazily authenticated, body read at most once. */
    private final class Call {
        final Request request;
        final Response response;
        private final List<String> segments;
        private User user;
        private JsonObject body;

        Call(Request request, Response response, List<String> segments) {
            this.request = request;
            this.response = response;
            this.segments = segments;
        }

        /** The {@code index}th path parameter (room name or message id), decoded. */
        String param(int index) {
            return segments.get(1 + 2 * index);
        }

        long messageId() {
            try {
                return Long.parseLong(param(0));
            } catch (NumberFormatException e) {
                throw HttpError.invalidArgument("A message id is an integer.");
            }
        }

        String token() {
            String header = request.getHeader("Authorization");
            if (header != null) {
                header = header.strip();
                if (header.length() > 7 && header.substring(0, 7).equalsIgnoreCase("Bearer ")) {
                    String token = header.substring(7).strip();
                    if (!token.isEmpty()) {
                        return token;
                    }
                }
            }
            throw new AuthenticationException(ErrorCode.INVALID_TOKEN,
                    "Send the session token as \"Authorization: Bearer <token>\".");
        }

        User user() {
            if (user == null) {
                user = chat.authenticate(token());
            }
            return user;
        }

        JsonObject body() throws IOException {
            if (body == null) {
                String type = request.getContentType();
                if (type == null || !type.toLowerCase(Locale.ROOT).strip().startsWith("application/json")) {
                    throw new HttpError(415, HttpError.UNSUPPORTED_MEDIA_TYPE,
                            "Send the body as application/json.");
                }
                body = JsonBodies.parseObject(readBody());
            }
            return body;
        }

        private byte[] readBody() throws IOException {
            int max = context.maxBodyBytes;
            ByteArrayOutputStream out = new ByteArrayOutputStream(
                    (int) Math.min(Math.max(request.getContentLengthLong(), 256), max));
            byte[] buffer = new byte[8192];
            try (InputStream in = request.getInputStream()) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    if (out.size() + n > max) {
                        throw tooLarge();
                    }
                    out.write(buffer, 0, n);
                }
            }
            return out.toByteArray();
        }
    }
}
