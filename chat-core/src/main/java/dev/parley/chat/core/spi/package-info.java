/**
 * Service provider interfaces: what a store, a fan-out bus or a password hasher must do for
 * {@link dev.parley.chat.core.ChatService}. Implementations are plugged in explicitly through
 * {@link dev.parley.chat.core.ChatService#builder()}; nothing is discovered at run time. Every store proves its
 * contract by extending the matching suite in {@code chat-testkit}.
 *
 * <p>Common rules for every store: all methods are thread-safe; a method that returns has committed its effect
 * durably (as durable as the store is); a store that cannot do the work throws
 * {@link dev.parley.chat.core.UnavailableException} with {@link dev.parley.chat.core.ErrorCode#STORAGE_UNAVAILABLE}
 * and has committed nothing, so the caller may retry. Stores never normalise or validate user input: the service
 * does that before calling them.
 */
package dev.parley.chat.core.spi;
