package dev.parley.chat.server;

import java.io.PrintStream;
import java.util.OptionalInt;

/**
 * The server's command line: {@code --help} and {@code --version}; no argument runs the server. Everything else is
 * configured by {@code PARLEY_*} settings ({@link ServerConfig}), which {@code --help} lists from the same table the
 * configuration reader uses.
 */
final class CommandLine {
    static final int EXIT_OK = 0;
    /** A bad argument or setting. */
    static final int EXIT_USAGE = 2;

    static final String USAGE = "Usage: java -jar parley-server.jar [--help | --version]";

    private CommandLine() {
    }

    /**
     * Handles the arguments that do not run the server.
     *
     * @param args the program arguments
     * @param out where help and the version go
     * @param err where a usage error goes
     * @return the exit status, or empty when the server should run
     */
    static OptionalInt handle(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            return OptionalInt.empty();
        }
        if (args.length == 1) {
            switch (args[0]) {
                case "--help", "-h" -> {
                    out.print(help());
                    out.flush();
                    return OptionalInt.of(EXIT_OK);
                }
                case "--version", "-V" -> {
                    out.println(BuildInfo.current().describe());
                    out.flush();
                    return OptionalInt.of(EXIT_OK);
                }
                default -> {
                    // falls through to the usage error
                }
            }
        }
        err.println("Unknown argument: " + String.join(" ", args));
        err.println(USAGE);
        err.println("Settings are PARLEY_* environment variables; --help lists them.");
        err.flush();
        return OptionalInt.of(EXIT_USAGE);
    }

    /** The text of {@code --help}. */
    static String help() {
        StringBuilder b = new StringBuilder();
        b.append(USAGE).append("\n\n");
        b.append("Runs the Parley chat server: the page (/), the REST API (/api), the WebSocket endpoint (/ws),\n");
        b.append("/health/live, /health/ready and /metrics on one port, until SIGTERM or Ctrl-C.\n\n");
        b.append("Options:\n");
        b.append("  -h, --help     print this help and exit\n");
        b.append("  -V, --version  print the version and the git commit and exit\n\n");
        b.append("Exit status: 0 after --help or --version; 1 if the server cannot start (port in use, database\n");
        b.append("locked or unreachable); 2 for a bad argument or setting; 143 (SIGTERM) or 130 (Ctrl-C) after a\n");
        b.append("clean shutdown.\n\n");
        b.append("Settings: environment variables, or KEY=value lines in ./.env (the environment wins). Each is\n");
        b.append("shown with its default (nothing after '=': not set by default); docs/operations.md and\n");
        b.append(".env.example say more.\n\n");
        for (ServerConfig.Setting setting : ServerConfig.SETTINGS) {
            b.append("  ").append(setting.key()).append('=').append(setting.defaultValue()).append('\n');
            b.append("      ").append(setting.meaning()).append('\n');
        }
        return b.toString();
    }
}
