package dev.lamina.shim.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A shim run as a process of its own, as a pod or a user runs it: its addresses, its function log (stdout) and its
 * own messages (stderr). The caller stops the process.
 */
public record ShimProcess(Process process, InetSocketAddress invoke, InetSocketAddress runtimeApi, LogLines log,
                          LogLines messages) {

    private static final Pattern ADDRESSES = Pattern.compile(
            "lamina-shim: invoke endpoint http://127\\.0\\.0\\.1:(\\d+)/\\S+, Runtime API 127\\.0\\.0\\.1:(\\d+).*");

    /** {@code java -cp <this class path> dev.lamina.shim.Main}: the command line of the jar, without packaging. */
    public static List<String> mainOnClassPath() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.lamina.shim.Main");
    }

    /** Starts {@code command} (a shim's, listening on loopback) and waits until it says where it listens. */
    public static ShimProcess start(List<String> command, Path directory, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        LogLines log = new LogLines();
        pump(process.getInputStream(), log);
        LogLines messages = new LogLines();
        pump(process.getErrorStream(), messages);
        Matcher addresses = ADDRESSES.matcher(messages.await(line -> ADDRESSES.matcher(line).matches()));
        if (!addresses.matches()) {
            throw new IllegalStateException("no addresses in " + messages.lines());
        }
        return new ShimProcess(process,
                new InetSocketAddress("127.0.0.1", Integer.parseInt(addresses.group(1))),
                new InetSocketAddress("127.0.0.1", Integer.parseInt(addresses.group(2))), log, messages);
    }

    private static void pump(InputStream stream, LogLines lines) {
        Thread.ofVirtual().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                reader.lines().forEach(lines);
            } catch (IOException closed) {
                // The process ended.
            }
        });
    }

    public String describe() {
        return "shim log: " + log.lines() + "\nshim messages: " + messages.lines();
    }
}
