package dev.parley.chat.bus.redis;


import dev.parley.chat.testkit.RequiredService;
import dev.parley.chat.testkit.TcpProxy;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives each test a unique key and channel prefix on the Redis server at system property
 * {@code parley.test.redis.uri} (default {@code redis://127.0.0.1:6379}), and deletes the prefix's keys after the
 * test. If the server cannot be reached the test is skipped with the reason, except when the environment variable
 * {@code CI} is {@code true}: then it fails, so that CI never passes without these tests.
 *
 * <p>Register as {@code @RegisterExtension final RedisTestSupport redis = new RedisTestSupport();}. Its
 * {@link #command} speaks RESP over a plain socket (no Lettuce, so no threads of its own).
 */
final class RedisTestSupport implements BeforeEachCallback, AfterEachCallback {
    static final String URI_STRING = System.getProperty("parley.test.redis.uri", "redis://127.0.0.1:6379");
    static final URI SERVER = URI.create(URI_STRING);

    private static final RequiredService SERVER_CHECK = new RequiredService("Redis", URI_STRING, () -> {
        Object pong = command("PING");
        if (!"PONG".equals(pong)) {
            throw new IllegalStateException("PING answered " + pong);
        }
    });

    private String prefix;

    @Override
    public void beforeEach(ExtensionContext context) {
        requireServer();
        prefix = "parley-t-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (prefix != null) {
            command("EVAL", "for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k) end return 1",
                    "0", prefix + ":*");
        }
    }

    /** Skips (or, on CI, fails) the current test if the server is not reachable. */
    static void requireServer() {
        SERVER_CHECK.require();
    }

    /** This test's prefix, unique to it. */
    String prefix() {
        return prefix;
    }

    /** A fault proxy to the test server. */
    static TcpProxy proxy() {
        return TcpProxy.to(SERVER.getHost(), SERVER.getPort());
    }

    /** The server's URI with its host and port replaced by the proxy's. */
    static String throughProxy(TcpProxy proxy) {
        return URI_STRING.replace("//" + SERVER.getHost() + ":" + SERVER.getPort(), "//127.0.0.1:" + proxy.port());
    }

    /** Kills the pub/sub connections named {@code name}; returns how many. */
    static int killPubSubClients(String name) {
        String list = (String) command("CLIENT", "LIST", "TYPE", "pubsub");
        int killed = 0;
        for (String line : list.split("\n")) {
            if (line.contains(" name=" + name + " ")) {
                String id = line.substring(line.indexOf("id=") + 3, line.indexOf(' ', line.indexOf("id=")));
                killed += ((Long) command("CLIENT", "KILL", "ID", id)).intValue();
            }
        }
        return killed;
    }

    /**
     * Sends one command on a fresh connection and returns the reply: a String (simple or bulk), a Long, a List, or
     * null; an error reply throws.
     */
    static Object command(String... args) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(SERVER.getHost(), SERVER.getPort()), 2_000);
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            for (String arg : args) {
                byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
                request.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
                request.writeBytes(bytes);
                request.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
            }
            out.write(request.toByteArray());
            out.flush();
            return read(new BufferedInputStream(socket.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Object read(InputStream in) throws IOException {
        int type = in.read();
        String line = line(in);
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new IllegalStateException("Redis error: " + line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] bytes = in.readNBytes(length + 2);
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    items.add(read(in));
                }
                return items;
            }
            default:
                throw new IOException("unexpected reply type " + type);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\r') {
            if (b < 0) {
                throw new IOException("connection closed");
            }
            line.write(b);
        }
        in.read(); // '\n'
        return line.toString(StandardCharsets.UTF_8);
    }

    /** The live threads whose names start with {@code prefix}. */
    static List<String> threadsNow(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith(prefix))
                .toList();
    }

    /** The live threads whose names start with {@code prefix}, after waiting up to five seconds for them to end. */
    static List<String> threadsLeft(String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        List<String> left = threadsNow(prefix);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            left = threadsNow(prefix);
        }
        return left;
    }
}
