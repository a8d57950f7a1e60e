package dev.parley.chat.server;

import dev.parley.chat.core.ChatListener;
import dev.parley.chat.core.ChatService;
import dev.parley.chat.core.HistoryPage;
import dev.parley.chat.core.HistoryQuery;
import dev.parley.chat.core.LoginResult;
import dev.parley.chat.core.Member;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.Room;
import dev.parley.chat.core.RoomSummary;
import dev.parley.chat.core.RoomType;
import dev.parley.chat.core.Subscription;
import dev.parley.chat.core.User;
import java.util.List;
import java.util.Optional;

/**
 * Delegates to the real service and counts sent messages, so that both the REST API and the WebSocket transport
 * (which is handed this instance) are measured in one place.
 */
final class MeteredChatService implements ChatService {
    private final ChatService delegate;
    private final Metrics metrics;

    MeteredChatService(ChatService delegate, Metrics metrics) {
        this.delegate = delegate;
        this.metrics = metrics;
    }

    @Override
    public User register(String username, String password) {
        return delegate.register(username, password);
    }

    @Override
    public User ensureUser(String username) {
        return delegate.ensureUser(username);
    }

    @Override
    public Optional<User> findUser(String username) {
        return delegate.findUser(username);
    }

    @Override
    public LoginResult login(String username, String password) {
        return delegate.login(username, password);
    }

    @Override
    public User authenticate(String token) {
        return delegate.authenticate(token);
    }

    @Override
    public void logout(String token) {
        delegate.logout(token);
    }

    @Override
    public Room createRoom(User actor, String name, RoomType type) {
        return delegate.createRoom(actor, name, type);
    }

    @Override
    public Room openDirect(User actor, String otherUsername) {
        return delegate.openDirect(actor, otherUsername);
    }

    @Override
    public Room findRoom(User actor, String room) {
        return delegate.findRoom(actor, room);
    }

    @Override
    public List<RoomSummary> listRooms(User actor) {
        return delegate.listRooms(actor);
    }

    @Override
    public Room join(User actor, String room) {
        return delegate.join(actor, room);
    }

    @Override
    public Room addMember(User actor, String room, String username) {
        return delegate.addMember(actor, room, username);
    }

    @Override
    public void leave(User actor, String room) {
        delegate.leave(actor, room);
    }

    @Override
    public List<Member> members(User actor, String room) {
        return delegate.members(actor, room);
    }

    @Override
    public Message send(User actor, String room, String body, String clientMsgId) {
        Message message = delegate.send(actor, room, body, clientMsgId);
        metrics.messageSent();
        return message;
    }

    @Override
    public Message edit(User actor, long messageId, String body) {
        return delegate.edit(actor, messageId, body);
    }

    @Override
    public Message delete(User actor, long messageId) {
        return delegate.delete(actor, messageId);
    }

    @Override
    public HistoryPage history(User actor, String room, HistoryQuery query) {
        return delegate.history(actor, room, query);
    }

    @Override
    public RoomSummary markRead(User actor, String room, long seq) {
        return delegate.markRead(actor, room, seq);
    }

    @Override
    public void typing(User actor, String room) {
        delegate.typing(actor, room);
    }

    @Override
    public Subscription subscribe(User actor, String room, long afterSeq, ChatListener listener) {
        return delegate.subscribe(actor, room, afterSeq, listener);
    }

    @Override
    public void checkHealth() {
        delegate.checkHealth();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
