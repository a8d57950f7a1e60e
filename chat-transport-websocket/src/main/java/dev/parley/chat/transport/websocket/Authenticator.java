package dev.parley.chat.transport.websocket;

import dev.parley.chat.core.AuthenticationException;
import dev.parley.chat.core.User;

/**
 * Turns the token of an {@code auth} frame into a user. The default is {@code chatService::authenticate} (Parley's
 * own session tokens); an application with its own login plugs in its check here and returns the matching Parley
 * user (for example from {@link dev.parley.chat.core.ChatService#ensureUser}).
 *
 * <p>The same token is checked again periodically while the socket is open, so an implementation must be cheap and
 * thread-safe. It may block briefly (a database read); it runs on a container or transport thread, never on a
 * publisher's.
 */
@FunctionalInterface
public interface Authenticator {
    /**
     * Resolves a token.
     *
     * @param token the token the client sent; never logged by the transport
     * @return the user; never {@code null}
     * @throws AuthenticationException {@code invalid_token} or {@code token_expired}: the socket is closed with 1008
     *     and that code as the reason. Any other {@link dev.parley.chat.core.ChatException} (for example
     *     {@code storage_unavailable}) is reported as an {@code error} frame and the socket stays open.
     */
    User authenticate(String token);
}
