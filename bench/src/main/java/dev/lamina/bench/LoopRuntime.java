package dev.lamina.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The cheapest runtime that still speaks the Runtime API: one keep-alive connection, {@code GET /next}, then
 * {@code POST /response} with {@code {}}, forever. It measures what the platform costs per invocation when the
 * function costs next to nothing (the "no-op runtime loop"); the AWS runtime interface client spends far more.
 * <p>
 * With the argument {@code cf-request} it answers each event's {@code Records[0].cf.request} instead: a
 * Lambda@Edge request function that lets every request through unchanged.
 */
public final class LoopRuntime {

    static final String CF_REQUEST = "cf-request";

    private static final byte[] NEXT = ("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: runtime\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY_OBJECT = {'{', '}'};
    /** The first object-valued "request" key of an edge event is cf.request: only cf.config comes before it. */
    private static final byte[] REQUEST_KEY = "\"request\":{".getBytes(StandardCharsets.US_ASCII);

    private LoopRuntime() {
    }

    /**
     * Writes a {@code provided} function's code into {@code dir}: this class and a {@code bootstrap} running
     * {@link #command} with {@code arguments}.
     */
    static void writeCode(Path dir, String... arguments) throws IOException {
        Path runtime = dir.resolve("dev/lamina/bench/LoopRuntime.class");
        Files.createDirectories(runtime.getParent());
        try (InputStream in = LoopRuntime.class.getResourceAsStream("LoopRuntime.class")) {
            Files.copy(in, runtime);
        }
        Path bootstrap = dir.resolve("bootstrap");
        Files.writeString(bootstrap, "#!/bin/sh\nexec " + String.join(" ", command(dir, arguments)) + "\n");
        bootstrap.toFile().setExecutable(true);
    }

    /**
     * Writes the same loop as a compiled custom runtime into {@code dir}: {@code loop-runtime.c}, built by the
     * machine's {@code cc} into the {@code bootstrap} (what a provided.al2023 function in C, Rust or Go ships). Its
     * cost per invocation is a fraction of the JVM's, so the platform's own cost shows more.
     */
    static void writeNativeCode(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path source = dir.resolve("loop-runtime.c");
        try (InputStream in = LoopRuntime.class.getResourceAsStream("/loop-runtime.c")) {
            Files.copy(in, source);
        }
        Process cc = new ProcessBuilder("cc", "-O2", "-o", dir.resolve("bootstrap").toString(), source.toString())
                .redirectErrorStream(true).start();
        String output = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (cc.waitFor() != 0) {
            throw new IOException("cc could not build " + source + ": " + output);
        }
    }

    /**
     * The runtime written by {@link #writeCode} into {@code dir}, as a JVM with the flags local mode gives Java
     * runtimes (quick start, C1 only).
     */
    private static List<String> command(Path dir, String... arguments) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", dir.toString(),
                LoopRuntime.class.getName()));
        command.addAll(List.of(arguments));
        return command;
    }

    public static void main(String... args) throws IOException {
        boolean echoRequest = args.length > 0 && args[0].equals(CF_REQUEST);
        String[] api = System.getenv("AWS_LAMBDA_RUNTIME_API").split(":");
        try (Socket socket = new Socket(api[0], Integer.parseInt(api[1]))) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            ByteArrayOutputStream event = echoRequest ? new ByteArrayOutputStream(4096) : null;
            while (true) {
                out.write(NEXT);
                out.flush();
                String requestId = readResponse(in, event);
                byte[] result = echoRequest ? cfRequest(event.toByteArray()) : EMPTY_OBJECT;
                ByteArrayOutputStream post = new ByteArrayOutputStream(128 + result.length);
                post.writeBytes(("POST /2018-06-01/runtime/invocation/" + requestId + "/response HTTP/1.1\r\n"
                        + "Host: runtime\r\nContent-Length: " + result.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                post.writeBytes(result);
                post.writeTo(out);
                out.flush();
                readResponse(in, null);
            }
        }
    }

    /** The JSON object of the event's {@code Records[0].cf.request}, as it came. */
    private static byte[] cfRequest(byte[] event) {
        int start = indexOf(event, REQUEST_KEY) + REQUEST_KEY.length - 1;
        int depth = 0;
        boolean inString = false;
        for (int i = start; i < event.length; i++) {
            byte b = event[i];
            if (inString) {
                if (b == '\\') {
                    i++;
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b == '"') {
                inString = true;
            } else if (b == '{') {
                depth++;
            } else if (b == '}' && --depth == 0) {
                return Arrays.copyOfRange(event, start, i + 1);
            }
        }
        throw new IllegalArgumentException("no cf.request in the event");
    }

    private static int indexOf(byte[] data, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= data.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (data[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("no cf.request in the event");
    }

    /**
     * Reads one response, its body into {@code body} (emptied first) or skipped when that is null; returns its
     * Lambda-Runtime-Aws-Request-Id header (or null).
     */
    private static String readResponse(InputStream in, ByteArrayOutputStream body) throws IOException {
        String requestId = null;
        int length = 0;
        String line;
        while (!(line = readLine(in)).isEmpty()) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim();
                if (name.equals("content-length")) {
                    length = Integer.parseInt(value);
                } else if (name.equals("lambda-runtime-aws-request-id")) {
                    requestId = value;
                }
            }
        }
        if (body == null) {
            in.skipNBytes(length);
        } else {
            body.reset();
            body.write(in.readNBytes(length));
        }
        return requestId;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("the Runtime API closed the connection");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
