package dev.parley.chat.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** {@link ClusterContract} over Redis pub/sub: {@code PARLEY_BUS=redis://…} through each node's proxy. */
class RedisClusterTest extends ClusterContract {
    @Override
    ClusterNodes openCluster() throws Exception {
        try {
            command("PING");
        } catch (IOException e) {
            ClusterNodes.unavailable("Redis not reachable at 127.0.0.1:6379: " + e.getMessage());
        }
        return new ClusterNodes("127.0.0.1", 6379, port -> "redis://127.0.0.1:" + port);
    }

    /** {@code CLIENT KILL TYPE pubsub}: drops the subscriptions of every node (the others re-subscribe too). */
    @Override
    void killBusConnections(int i) throws Exception {
        String reply = command("CLIENT", "KILL", "TYPE", "pubsub");
        if (!reply.startsWith(":") || reply.equals(":0")) {
            throw new AssertionError("CLIENT KILL TYPE pubsub killed nothing: " + reply);
        }
    }

    /** One command in RESP over a plain socket; returns the first line of the reply. */
    static String command(String... args) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", 6379), 2_000);
            s.setSoTimeout(5_000);
            StringBuilder b = new StringBuilder("*").append(args.length).append("\r\n");
            for (String a : args) {
                b.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a)
                        .append("\r\n");
            }
            OutputStream out = s.getOutputStream();
            out.write(b.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\r') {
                line.append((char) c);
            }
            return line.toString();
        }
    }
}
