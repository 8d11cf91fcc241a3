package dev.scimsync.emulator;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the emulator until the JVM stops:
 * {@code --port N --api-key K --no-rate-limits --keep-inactive --persist FILE};
 * the key can also come from {@code WORKOS_EMULATOR_API_KEY}.
 */
public final class EmulatorMain {

    private EmulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        EmulatorOptions options = parse(args, System.getenv("WORKOS_EMULATOR_API_KEY"));
        WorkosEmulator emulator = WorkosEmulator.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            emulator.close();
            stopped.countDown();
        }, "workos-emulator-shutdown"));
        // printed in full on purpose: the developer needs the key to configure a client
        System.out.println("WorkOS emulator: " + emulator.baseUrl());
        System.out.println("API key:         " + emulator.apiKey());
        System.out.println("Admin API:       " + emulator.baseUrl() + "/_emulator");
        stopped.await();
    }

    static EmulatorOptions parse(String[] args, String envApiKey) {
        EmulatorOptions options = EmulatorOptions.defaults();
        if (envApiKey != null && !envApiKey.isBlank()) {
            options = options.withApiKey(envApiKey);
        }
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> options = options.withPort(Integer.parseInt(value(args, ++i, "--port")));
                case "--host" -> options = options.withHost(value(args, ++i, "--host"));
                case "--api-key" -> options = options.withApiKey(value(args, ++i, "--api-key"));
                case "--persist" -> options = options.withPersistFile(Path.of(value(args, ++i, "--persist")));
                case "--no-rate-limits" -> options = options.withRateLimits(false);
                case "--keep-inactive" -> options = options.withDeactivateDeletes(false);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (expected --port N, --host H, --api-key K, --persist FILE, --no-rate-limits, --keep-inactive)");
            }
        }
        return options;
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }
}
