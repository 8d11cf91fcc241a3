package dev.scimsync.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import dev.scimsync.emulator.EmulatorOptions;
import dev.scimsync.emulator.WorkosEmulator;
import dev.scimsync.runtime.DemoDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code scim-sync emulator}: the WorkOS emulator alone. */
@Command(name = "emulator", mixinStandardHelpOptions = true,
        description = "Runs the WorkOS emulator (Events and Directory Sync API, SCIM 2.0 inbound, admin API).")
final class EmulatorCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8090", description = "port to listen on (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to bind (default ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--api-key", defaultValue = "${env:WORKOS_EMULATOR_API_KEY:-sk_test_emulator}",
            description = "the API key clients must send (default from WORKOS_EMULATOR_API_KEY, else sk_test_emulator)")
    String apiKey;

    @Option(names = "--no-rate-limits", description = "turn WorkOS's documented rate limits off")
    boolean noRateLimits;

    @Option(names = "--keep-inactive", description = "SCIM active=false keeps the user as inactive instead of deleting it")
    boolean keepInactive;

    @Option(names = "--persist", description = "file to keep the emulator's state in across restarts")
    Path persist;

    @Option(names = "--demo", description = "create a demo organization with a directory of users and groups")
    boolean demo;

    @Override
    public Integer call() throws InterruptedException {
        EmulatorOptions options = EmulatorOptions.defaults().withHost(host).withPort(port).withApiKey(apiKey)
                .withRateLimits(!noRateLimits).withDeactivateDeletes(!keepInactive);
        if (persist != null) {
            options = options.withPersistFile(persist);
        }
        WorkosEmulator emulator = WorkosEmulator.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            emulator.close();
            stopped.countDown();
        }, "emulator-shutdown"));
        System.out.println("WorkOS emulator:  " + emulator.baseUrl() + "   (WORKOS_API_BASE_URL)");
        // the emulator's own key, printed on purpose: a developer needs it to point a client at the emulator
        System.out.println("API key:          " + emulator.apiKey() + "   (WORKOS_API_KEY)");
        System.out.println("Admin API:        " + emulator.baseUrl() + "/_emulator");
        if (demo) {
            DemoDirectory.Created created = DemoDirectory.create(emulator, DemoDirectory.DEFAULT_USERS,
                    DemoDirectory.DEFAULT_GROUPS);
            System.out.println("Demo directory:   " + created.directoryId() + " of " + created.organizationId());
        }
        stopped.await();
        return ExitCodes.OK;
    }
}
