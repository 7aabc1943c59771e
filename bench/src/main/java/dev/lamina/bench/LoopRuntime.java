package dev.lamina.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The cheapest runtime that still speaks the Runtime API: one keep-alive connection, {@code GET /next}, then
 * {@code POST /response} with {@code {}}, forever. It measures what the platform costs per invocation when the
 * function costs next to nothing (the "no-op runtime loop"); the AWS runtime interface client spends far more.
 */
public final class LoopRuntime {

    private static final byte[] NEXT = ("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: runtime\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    private LoopRuntime() {
    }

    public static void main(String... args) throws IOException {
        String[] api = System.getenv("AWS_LAMBDA_RUNTIME_API").split(":");
        try (Socket socket = new Socket(api[0], Integer.parseInt(api[1]))) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                out.write(NEXT);
                out.flush();
                String requestId = readResponse(in);
                out.write(("POST /2018-06-01/runtime/invocation/" + requestId + "/response HTTP/1.1\r\n"
                        + "Host: runtime\r\nContent-Length: 2\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                readResponse(in);
            }
        }
    }

    /** Reads one response, skipping its body; returns its Lambda-Runtime-Aws-Request-Id header (or null). */
    private static String readResponse(InputStream in) throws IOException {
        String requestId = null;
        long length = 0;
        String line;
        while (!(line = readLine(in)).isEmpty()) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim();
                if (name.equals("content-length")) {
                    length = Long.parseLong(value);
                } else if (name.equals("lambda-runtime-aws-request-id")) {
                    requestId = value;
                }
            }
        }
        in.skipNBytes(length);
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
