package dev.lamina.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One keep-alive HTTP/1.1 connection with the least work per request, so that the benchmark measures the shim and
 * not its own client.
 */
final class MiniHttp implements Closeable {

    record Response(int status, Map<String, String> headers, byte[] body) {
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    MiniHttp(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        out = socket.getOutputStream();
    }

    Response get(String path) throws IOException {
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return read();
    }

    Response post(String path, byte[] body) throws IOException {
        return post(path, body, "");
    }

    /** An invocation with the request id chosen by the caller, as the gateway sends it. */
    Response postWithRequestId(String path, byte[] body, String requestId) throws IOException {
        return post(path, body, "Lamina-Request-Id: " + requestId + "\r\n");
    }

    private Response post(String path, byte[] body, String extraHeaders) throws IOException {
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extraHeaders + "Content-Length: "
                + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[head.length + body.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        out.write(request);
        out.flush();
        return read();
    }

    private Response read() throws IOException {
        String status = line();
        Map<String, String> headers = new HashMap<>();
        for (String line = line(); !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
        }
        byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
        return new Response(Integer.parseInt(status.substring(9, 12)), headers, body);
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
