package dev.lamina.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * serverless-offline, the Serverless Framework's local emulator, serving a Node.js function that returns {@code {}}
 * on its Lambda Invoke endpoint, with the settings that make it fastest: handlers in its own process
 * ({@code --useInProcess}; its default, a worker thread per handler, is slower) and no reloading per request (the
 * default). The packages are installed once with npm into a cache directory shared by every run.
 */
final class ServerlessOffline implements AutoCloseable {

    /** serverless-offline 14 needs the Serverless Framework 4, which needs a login; 13 runs with 3. */
    static final List<String> PACKAGES = List.of("serverless@3", "serverless-offline@13");
    static final Path CACHE = Path.of(System.getProperty("user.home"), ".cache", "lamina-bench", "serverless-offline");
    private static final String FUNCTION = "bench-dev-noop";

    private final Process process;
    private final URI url;
    private final List<String> command;

    private ServerlessOffline(Process process, URI url, List<String> command) {
        this.process = process;
        this.url = url;
        this.command = command;
    }

    /**
     * Installs the packages unless the cache has them, writes the service into {@code work} and starts it on free
     * ports; fails with what went wrong (the install's or the emulator's log) when it does not answer 200.
     */
    static ServerlessOffline start(Path work) throws IOException, InterruptedException {
        install();
        Path service = Files.createDirectories(work.resolve("serverless-offline"));
        Files.writeString(service.resolve("serverless.yml"), """
                service: bench
                frameworkVersion: "3"
                provider:
                  name: aws
                  runtime: nodejs20.x
                  stage: dev
                  region: us-east-1
                functions:
                  noop:
                    handler: handler.noop
                plugins:
                  - serverless-offline
                """);
        Files.writeString(service.resolve("handler.js"), "exports.noop = async () => ({});\n");
        Files.createSymbolicLink(service.resolve("node_modules"), CACHE.resolve("node_modules"));
        int port = freePort();
        List<String> command = List.of("node", CACHE.resolve("node_modules/serverless/bin/serverless.js").toString(),
                "offline", "start", "--useInProcess", "--noSponsor", "--host", "127.0.0.1", "--lambdaPort",
                Integer.toString(port));
        Path log = service.resolve("serverless-offline.log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(service.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("SLS_TELEMETRY_DISABLED", "1");
        builder.environment().put("SLS_NOTIFICATIONS_MODE", "off");
        ServerlessOffline offline = new ServerlessOffline(builder.start(),
                URI.create("http://127.0.0.1:" + port + "/2015-03-31/functions/" + FUNCTION + "/invocations"),
                command);
        try {
            offline.awaitAnswer(log);
        } catch (IOException | RuntimeException | InterruptedException e) {
            offline.close();
            throw e;
        }
        return offline;
    }

    /** The installed serverless-offline's version, from its package. */
    static String version() throws IOException {
        String json = Files.readString(CACHE.resolve("node_modules/serverless-offline/package.json"));
        int key = json.indexOf("\"version\"");
        int start = json.indexOf('"', json.indexOf(':', key)) + 1;
        return json.substring(start, json.indexOf('"', start));
    }

    URI url() {
        return url;
    }

    List<String> command() {
        return command;
    }

    /** The emulator and whatever it started. */
    List<ProcessHandle> processes() {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(process.toHandle());
        process.descendants().forEach(all::add);
        return all;
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        Processes.stop(process, Duration.ofSeconds(10));
    }

    private static void install() throws IOException, InterruptedException {
        Path marker = CACHE.resolve("installed");
        String wanted = String.join(" ", PACKAGES);
        if (Files.isRegularFile(marker) && Files.readString(marker).equals(wanted)) {
            return;
        }
        Files.createDirectories(CACHE);
        Path packageJson = CACHE.resolve("package.json");
        if (!Files.exists(packageJson)) {
            Files.writeString(packageJson, "{\"private\": true}\n");
        }
        List<String> command = new ArrayList<>(List.of("npm", "install", "--no-audit", "--no-fund",
                "--loglevel=error"));
        command.addAll(PACKAGES);
        System.out.println("installing " + wanted + " into " + CACHE + " (once; npm's output in install.log)");
        Path log = CACHE.resolve("install.log");
        Process npm = new ProcessBuilder(command).directory(CACHE.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!npm.waitFor(15, TimeUnit.MINUTES)) {
            npm.destroyForcibly();
            throw new IOException("npm install took over 15 minutes; see " + log);
        }
        if (npm.exitValue() != 0) {
            throw new IOException("npm install failed (" + npm.exitValue() + "): " + tail(log));
        }
        Files.writeString(marker, wanted);
    }

    /** Until an invocation answers 200: the first one also loads the handler. */
    private void awaitAnswer(Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("serverless-offline stopped: " + tail(log));
            }
            try (MiniHttp http = new MiniHttp(url.getPort())) {
                int status = http.post(url.getPath(), "{}".getBytes(StandardCharsets.UTF_8)).status();
                if (status == 200) {
                    return;
                }
                last = "status " + status;
            } catch (IOException notYet) {
                last = notYet.toString();
            }
            Thread.sleep(200);
        }
        throw new IOException("serverless-offline never answered 200 (" + last + "): " + tail(log));
    }

    private static String tail(Path log) throws IOException {
        try (Stream<String> lines = Files.lines(log)) {
            List<String> all = lines.toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - 15), all.size()));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
