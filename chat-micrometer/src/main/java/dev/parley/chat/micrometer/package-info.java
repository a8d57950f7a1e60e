/**
 * Micrometer meters for Parley: {@link dev.parley.chat.micrometer.ChatServiceMetrics} (send and login timers, as a
 * {@link dev.parley.chat.core.ChatObserver}), {@link dev.parley.chat.micrometer.WebSocketMetrics} (the WebSocket
 * transport) and {@link dev.parley.chat.micrometer.ClusterFanoutMetrics} (a cluster node's bus). Each is a
 * {@link io.micrometer.core.instrument.binder.MeterBinder}; the application picks the registry. Names follow
 * Micrometer's dotted convention, which the Prometheus registry renders with base units and suffixes
 * ({@code parley.send.commit} becomes {@code parley_send_commit_seconds}, a counter gets {@code _total}); nothing
 * here computes a rate.
 */
package dev.parley.chat.micrometer;
