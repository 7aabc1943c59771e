package dev.lamina.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The loopback floor: one Node.js process answering {@code {}} to every request with Node's HTTP server and nothing
 * else, so what any server on this machine can reach with the same client.
 */
final class NodeFloor implements AutoCloseable {

    private static final String SERVER = """
            const http = require('node:http');
            const server = http.createServer((request, response) => {
              request.resume();
              request.on('end', () => {
                response.writeHead(200, {'Content-Type': 'application/json', 'Content-Length': '2'});
                response.end('{}');
              });
            });
            server.listen(0, '127.0.0.1', () => console.log(server.address().port));
            """;

    private final Process process;
    private final URI url;

    private NodeFloor(Process process, URI url) {
        this.process = process;
        this.url = url;
    }

    /** Writes the server into {@code work} and starts it with {@code node} on a free port. */
    static NodeFloor start(Path work) throws IOException {
        Path script = work.resolve("floor.js");
        Files.writeString(script, SERVER);
        Process process = new ProcessBuilder("node", script.toString()).redirectErrorStream(true).start();
        String port = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        if (port == null || !port.matches("\\d+")) {
            process.destroyForcibly();
            throw new IllegalStateException("node " + script + " did not start (" + port + "); Node.js 18+ needed");
        }
        return new NodeFloor(process, URI.create("http://127.0.0.1:" + port + "/"));
    }

    URI url() {
        return url;
    }

    ProcessHandle process() {
        return process.toHandle();
    }

    @Override
    public void close() {
        process.destroy();
    }
}
