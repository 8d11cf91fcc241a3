package dev.scimsync.runtime;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import dev.scimsync.core.log.Redact;

/**
 * Asks a configured Kafka and database whether they answer, once at start and within a deadline. Without it
 * a wrong address surfaced after a minute of client retries, as a stack trace; with it the operator reads one
 * sentence naming the variable to fix. A server that is still coming up (refused, starting up) is asked again
 * until the deadline; an answer that will not change (password refused, no such database) ends it at once.
 */
final class Reachability {

    /** Leaves a few seconds of the 15 s the operator waits at most, for JVM start and the clients' own work. */
    static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final Duration PAUSE = Duration.ofMillis(250);

    private Reachability() {
    }

    /** Null when a broker of {@code bootstrap} answers within {@code within}; otherwise what is wrong. */
    static String kafkaProblem(String bootstrap, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        String reason = tcpProblem(bootstrap, deadline);
        if (reason != null) {
            return "Kafka at " + bootstrap + " cannot be reached within " + within.toSeconds() + " s (" + reason
                    + "); check SCIM_SYNC_KAFKA_BOOTSTRAP.";
        }
        // the port is open: ask it as a broker (something else may listen there, or the advertised address may be wrong)
        int remainingMs = (int) Math.max(2_000, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG, "scim-sync-startup-check",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, remainingMs,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, remainingMs))) {
            if (admin.describeCluster().nodes().get(remainingMs, TimeUnit.MILLISECONDS).isEmpty()) {
                return "Kafka at " + bootstrap + " answers but reports no broker; check SCIM_SYNC_KAFKA_BOOTSTRAP.";
            }
            return null;
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            return "Something listens at " + bootstrap + " but does not answer as a Kafka broker within "
                    + within.toSeconds() + " s (" + cause.getClass().getSimpleName() + "); check "
                    + "SCIM_SYNC_KAFKA_BOOTSTRAP.";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "Interrupted while asking Kafka at " + bootstrap + " whether it answers";
        }
    }

    /** Null as soon as one of the servers accepts a TCP connection; otherwise the last reason, at the deadline. */
    private static String tcpProblem(String bootstrap, long deadline) {
        String reason = null;
        while (true) {
            for (String server : bootstrap.split(",")) {
                String hostPort = server.trim();
                int colon = hostPort.lastIndexOf(':');
                String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
                int port = Integer.parseInt(hostPort.substring(colon + 1));
                long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(host, port), (int) Math.max(100, Math.min(1_000, leftMs)));
                    return null;
                } catch (IOException e) {
                    reason = describe(e) + (bootstrap.contains(",") ? " at " + hostPort : "");
                }
            }
            if (System.nanoTime() + PAUSE.toNanos() > deadline) {
                return reason;
            }
            pause();
        }
    }

    /** Null when {@code user} can log in to {@code url} within {@code within}; otherwise what is wrong. */
    static String databaseProblem(String url, String user, String password, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        Properties props = new Properties();
        props.setProperty("user", user == null ? "" : user);
        if (password != null && !password.isEmpty()) {
            props.setProperty("password", password);
        }
        props.setProperty("connectTimeout", "3");
        props.setProperty("loginTimeout", "5");
        props.setProperty("ApplicationName", "scim-sync-startup-check");
        String shownUrl = Redact.url(url);
        while (true) {
            try (Connection ignored = DriverManager.getConnection(url, props)) {
                return null;
            } catch (SQLException e) {
                String state = e.getSQLState() == null ? "" : e.getSQLState();
                // 28…: refused by the server; 08004: the driver has no password to give where one is asked for
                if (state.startsWith("28") || "08004".equals(state)) {
                    return "The database at " + shownUrl + " refused user '" + user + "' (" + firstLine(e) + "); check "
                            + "SCIM_SYNC_DB_USER and SCIM_SYNC_DB_PASSWORD.";
                }
                if (!state.isEmpty() && !state.startsWith("08") && !"57P03".equals(state)) {
                    return "The database at " + shownUrl + " refused the connection (" + firstLine(e) + ", SQLState "
                            + state + "); check SCIM_SYNC_DB_URL.";
                }
                if (System.nanoTime() + PAUSE.toNanos() > deadline) {
                    return "The database at " + shownUrl + " cannot be reached within " + within.toSeconds() + " s ("
                            + describe(e) + "); check SCIM_SYNC_DB_URL.";
                }
            }
            pause();
        }
    }

    private static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "connection refused";
            }
            if (t instanceof UnknownHostException) {
                return "unknown host";
            }
            if (t instanceof SocketTimeoutException) {
                return "no answer";
            }
        }
        return firstLine(e);
    }

    private static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return Redact.url(newline < 0 ? message : message.substring(0, newline));
    }

    private static void pause() {
        try {
            Thread.sleep(PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
