package dev.lamina.shim.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * An external extension written against AWS's Extensions and Telemetry API documentation, in Python with the standard
 * library only: it registers for INVOKE and SHUTDOWN (asking for the account id), starts a telemetry listener
 * (http.server) and subscribes it to platform, function and extension telemetry with the smallest buffering, then
 * loops on {@code event/next} until SHUTDOWN. Everything it gets goes, one JSON document a line, to the file named by
 * {@code RECORD} ({@code {"register":…}}, {@code {"event":…}}, {@code {"telemetry":…}}); it prints one line of its
 * own to stdout. For an invocation whose request id starts with {@code linger} it stays busy until the file
 * {@code RECORD.<id>.answered} exists, then makes {@code RECORD.<id>.back} before asking for its next event.
 */
public final class RecordingExtension {

    public static final String SCRIPT = """
            #!/usr/bin/env python3
            import json, os, sys, threading, urllib.request
            from http.server import BaseHTTPRequestHandler, HTTPServer

            API = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"]
            NAME = os.path.basename(__file__)
            lock = threading.Lock()

            def record(kind, value):
                with lock, open(os.environ["RECORD"], "a") as out:
                    out.write(json.dumps({kind: value}) + "\\n")

            def call(method, path, headers, body=None):
                data = None if body is None else json.dumps(body).encode()
                request = urllib.request.Request(API + path, data=data, method=method, headers=headers)
                with urllib.request.urlopen(request, timeout=900) as answer:
                    return answer.headers, json.loads(answer.read() or b"null")

            headers, registered = call("POST", "/2020-01-01/extension/register",
                                       {"Lambda-Extension-Name": NAME, "Lambda-Extension-Accept-Feature": "accountId"},
                                       {"events": ["INVOKE", "SHUTDOWN"]})
            identifier = headers["Lambda-Extension-Identifier"]
            record("register", registered)

            class Listener(BaseHTTPRequestHandler):
                def do_POST(self):
                    batch = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                    for event in batch:
                        record("telemetry", event)
                    self.send_response(200)
                    self.end_headers()
                def log_message(self, *args):
                    pass

            listener = HTTPServer(("127.0.0.1", 0), Listener)
            threading.Thread(target=listener.serve_forever, daemon=True).start()
            call("PUT", "/2022-07-01/telemetry", {"Lambda-Extension-Identifier": identifier}, {
                "schemaVersion": "2022-12-13",
                "destination": {"protocol": "HTTP", "URI": "http://sandbox.localdomain:%d/" % listener.server_port},
                "types": ["platform", "function", "extension"],
                "buffering": {"maxItems": 1000, "maxBytes": 262144, "timeoutMs": 25}})
            print("recorder extension subscribed", flush=True)

            while True:
                _, event = call("GET", "/2020-01-01/extension/event/next", {"Lambda-Extension-Identifier": identifier})
                record("event", event)
                if event["eventType"] == "SHUTDOWN":
                    sys.exit(0)
                if event["requestId"].startswith("linger"):
                    # Busy until the caller has its answer (the test says so with a file), then marks that it is
                    # done before it asks again.
                    mark = os.environ["RECORD"] + "." + event["requestId"]
                    while not os.path.exists(mark + ".answered"):
                        threading.Event().wait(0.01)
                    open(mark + ".back", "w").close()
            """;

    private RecordingExtension() {
    }

    /** Puts the extension, executable, into {@code directory} as {@code name}. */
    public static Path install(Path directory, String name) throws IOException {
        Files.createDirectories(directory);
        return Runtimes.script(directory, name, SCRIPT);
    }

    /** Whether python3 is on the PATH. */
    public static boolean pythonAvailable() {
        try {
            return new ProcessBuilder("python3", "--version").start().waitFor() == 0;
        } catch (IOException | InterruptedException missing) {
            return false;
        }
    }

    /** What the extension recorded so far, one document a line. */
    public static List<JsonNode> read(Path record) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        if (Files.exists(record)) {
            for (String line : Files.readAllLines(record)) {
                if (!line.isBlank()) {
                    documents.add(JsonDocs.parse(line));
                }
            }
        }
        return documents;
    }

    /** Waits (up to 20 s) until a recorded document matches, and returns everything recorded by then. */
    public static List<JsonNode> await(Path record, Predicate<JsonNode> wanted) throws Exception {
        return awaitAll(record, documents -> documents.stream().anyMatch(wanted));
    }

    /** Waits (up to 20 s) until what was recorded satisfies {@code wanted}, and returns it. */
    public static List<JsonNode> awaitAll(Path record, Predicate<List<JsonNode>> wanted) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            List<JsonNode> documents = read(record);
            if (wanted.test(documents)) {
                return documents;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("nothing recorded matched; recorded: " + documents);
            }
            Thread.sleep(20);
        }
    }
}
