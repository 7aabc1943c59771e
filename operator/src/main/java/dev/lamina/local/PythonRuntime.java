package dev.lamina.local;

import dev.lamina.gateway.VersionState;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * How {@code python3.*} functions run locally: the machine's Python under Lamina's own runtime client (AWS's,
 * {@code awslambdaric}, comes from PyPI and has a native part). The client is one standard-library file, a resource of
 * this application, written once into a directory of the code store, so it is found the same way from the packaged
 * application and from tests. The interpreter is {@code python3.X} for a {@code python3.X} function if the PATH has
 * one that runs, else {@code python3}; a different version than the function's is reported once, and runs.
 */
final class PythonRuntime {

    private static final Logger LOG = Logger.getLogger(PythonRuntime.class);
    private static final String CLIENT = "lamina_python_runtime.py";
    private static final String PROBE = "import sys; print(sys.executable); print('%d.%d.%d' % sys.version_info[:3])";
    private static final long PROBE_SECONDS = 10;

    /** The Python that runs a runtime's functions, or why none does. */
    sealed interface Interpreter permits Found, Missing {
    }

    /**
     * @param executable  the interpreter itself (resolved by Python, so a version manager's wrapper is not in the way)
     * @param version     major.minor.micro
     * @param note        what to say about it at load: the version, and a warning when it is not the function's
     * @param sameVersion whether it is the major and minor version the function's runtime names
     */
    record Found(String executable, String version, String note, boolean sameVersion) implements Interpreter {
    }

    record Missing(String reason) implements Interpreter {
    }

    private final Path client;
    private final List<Path> searchPath;
    private final Map<String, Interpreter> interpreters = new ConcurrentHashMap<>();

    /**
     * @param dir        where the client is written
     * @param searchPath the directories searched for {@code python3.X} and {@code python3}
     */
    PythonRuntime(Path dir, List<Path> searchPath) throws IOException {
        this.client = dir.resolve(CLIENT);
        this.searchPath = List.copyOf(searchPath);
        try (InputStream in = PythonRuntime.class.getResourceAsStream("/lambda-runtime/python/" + CLIENT)) {
            if (in == null) {
                throw new IOException("the Python runtime client is missing from the application");
            }
            Files.copy(in, client, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Searches this process's PATH. */
    static PythonRuntime onPath(Path dir) throws IOException {
        String path = System.getenv().getOrDefault("PATH", "");
        return new PythonRuntime(dir, Arrays.stream(path.split(File.pathSeparator))
                .filter(entry -> !entry.isEmpty()).map(Path::of).toList());
    }

    LocalRuntimes.Plan plan(String runtime) {
        return switch (interpreter(runtime)) {
            case Found found -> new LocalRuntimes.Runnable(List.of(found.executable(), "-u", "-B",
                    client.toString(), runtime));
            case Missing missing -> new LocalRuntimes.NotRunnable(VersionState.failed("InvalidRuntime",
                    missing.reason()));
        };
    }

    /** The interpreter for a runtime, found (and reported) once. */
    Interpreter interpreter(String runtime) {
        return interpreters.computeIfAbsent(runtime, r -> {
            Interpreter found = find(r);
            if (found instanceof Found f) {
                if (f.sameVersion()) {
                    LOG.info(f.note());
                } else {
                    LOG.warn(f.note());
                }
            }
            return found;
        });
    }

    private Interpreter find(String runtime) {
        String wanted = runtime.substring("python".length());
        List<String> tried = new ArrayList<>();
        for (String name : List.of("python" + wanted, "python3")) {
            for (Path dir : searchPath) {
                Path candidate = dir.resolve(name);
                if (!Files.isRegularFile(candidate) || !Files.isExecutable(candidate)) {
                    continue;
                }
                String[] answer = probe(candidate, tried);
                if (answer != null) {
                    String version = answer[1];
                    boolean same = version.startsWith(wanted + ".");
                    String note = runtime + " functions run with Python " + version + " (" + answer[0] + ")"
                            + (same ? "" : ", not Python " + wanted + " as their runtime says: code that depends"
                            + " on the difference may behave otherwise in Lambda");
                    return new Found(answer[0], version, note, same);
                }
            }
        }
        return new Missing(runtime + " functions run locally with the machine's Python, and "
                + (tried.isEmpty() ? "neither python" + wanted + " nor python3 is on the PATH"
                : "none of the interpreters found ran: " + String.join("; ", tried))
                + ". Install Python 3, or deploy this function to a cluster to run it.");
    }

    /** Asks an interpreter where it lives and its version; null (and why, in tried) when it does not answer. */
    private static String[] probe(Path candidate, List<String> tried) {
        try {
            Process process = new ProcessBuilder(candidate.toString(), "-c", PROBE).redirectErrorStream(true).start();
            process.getOutputStream().close();
            // Waited for before reading: its few lines fit in the pipe, and a hung interpreter cannot block us.
            if (!process.waitFor(PROBE_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                tried.add(candidate + " did not answer within " + PROBE_SECONDS + " s");
                return null;
            }
            byte[] output;
            try (InputStream in = process.getInputStream()) {
                output = in.readAllBytes();
            }
            String[] lines = new String(output, StandardCharsets.UTF_8).strip().split("\n");
            if (process.exitValue() != 0 || lines.length != 2) {
                tried.add(candidate + " failed: " + String.join(" ", lines).strip());
                return null;
            }
            return new String[] {lines[0].strip(), lines[1].strip()};
        } catch (IOException e) {
            tried.add(candidate + ": " + e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while asking " + candidate + " its version"));
        }
    }
}
