/**
 * Contract test suites for Parley's SPIs, in the style of a TCK: a store or fan-out implementation proves that it
 * meets the {@code chat-core} contracts by extending the matching abstract JUnit 5 class in its own tests and
 * supplying a fresh instance.
 *
 * <ul>
 *   <li>{@link dev.parley.chat.testkit.UserStoreContract}, {@link dev.parley.chat.testkit.SessionStoreContract},
 *       {@link dev.parley.chat.testkit.RoomStoreContract} and {@link dev.parley.chat.testkit.MessageStoreContract}
 *       implement {@code createStorage()}, returning an empty
 *       {@link dev.parley.chat.core.spi.ChatStorage}; it is created before and closed after every test;</li>
 *   <li>{@link dev.parley.chat.testkit.ChangeStreamContract} does the same for a whole storage: the room and message
 *       stores together keep each room's change numbers dense and visible in order under concurrency;</li>
 *   <li>{@link dev.parley.chat.testkit.ChatServiceContract} runs the service end to end on a storage;</li>
 *   <li>{@link dev.parley.chat.testkit.FanoutContract} implements {@code createFanout()}.</li>
 * </ul>
 *
 * <pre>{@code
 * class InMemoryMessageStoreTest extends MessageStoreContract {
 *     @Override
 *     protected ChatStorage createStorage() {
 *         return InMemoryChatStorage.create();
 *     }
 * }
 * }</pre>
 *
 * The suites use JUnit Jupiter and AssertJ, which this module brings in at compile scope; add the JUnit engine
 * ({@code junit-jupiter}) to the test classpath to run them.
 */
package dev.parley.chat.testkit;
