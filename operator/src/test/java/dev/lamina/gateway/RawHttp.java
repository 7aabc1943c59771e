package dev.lamina.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One raw TCP connection to the gateway, for requests no HTTP client would send. Every read has a timeout: a server
 * that neither answers nor closes in time fails the test with {@link java.net.SocketTimeoutException}.
 */
final class RawHttp implements AutoCloseable {

    /** A response's status, headers (names lower-cased) and body. */
    record Answer(int status, Map<String, String> headers, String body) {
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    static RawHttp connect(Duration readTimeout) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", Gateway.endpoint().getPort()), 5_000);
        socket.setSoTimeout((int) readTimeout.toMillis());
        return new RawHttp(socket);
    }

    /** Sends bytes; false when the server had closed the connection already. */
    boolean send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    boolean send(String ascii) {
        return send(ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Ends what this side sends (a request cut short); the server may still answer. */
    void endOutput() {
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            // closed already: the reads tell
        }
    }

    /** The next response, or null when the server closed the connection without one. */
    Answer answer() throws IOException {
        String head = head();
        if (head == null) {
            return null;
        }
        String[] lines = head.split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        int status = Integer.parseInt(statusLine[1]);
        Map<String, String> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(length);
        return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    /** Whether the server closed the connection: reads on until the end of the stream (a reset counts as closed). */
    boolean closedByServer() throws IOException {
        try {
            while (in.read() != -1) {
                // an answer's remains, or more
            }
            return true;
        } catch (SocketException e) {
            return true;
        }
    }

    /** The status line and headers, or null at the end of the stream before any byte (a reset counts as closed). */
    private String head() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        try {
            int b;
            while ((b = in.read()) != -1) {
                head.write(b);
                int n = head.size();
                byte[] bytes = head.toByteArray();
                if (n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r'
                        && bytes[n - 1] == '\n') {
                    return new String(bytes, 0, n - 4, StandardCharsets.ISO_8859_1);
                }
            }
        } catch (SocketException e) {
            if (head.size() > 0) {
                throw e;
            }
        }
        if (head.size() > 0) {
            throw new IOException("The connection closed inside a response head: " + head);
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
