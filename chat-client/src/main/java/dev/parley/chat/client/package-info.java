/**
 * The Java client of a Parley server: {@link dev.parley.chat.client.ParleyClient} and the records and listeners of
 * its API. Depends on the JDK's HttpClient and WebSocket and on JSON-P.
 */
package dev.parley.chat.client;
