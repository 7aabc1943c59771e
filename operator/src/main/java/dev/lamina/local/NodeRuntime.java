package dev.lamina.local;

import dev.lamina.gateway.VersionState;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * How {@code nodejs*} functions run here: the machine's {@code node} runs Lamina's runtime client for Node.js (the
 * application's resources {@code lambda-runtime/node}, extracted once into a directory of local mode's own), which
 * serves the handler over the Runtime API as Lambda's Node.js runtimes do. A {@code node} of another major version
 * than the runtime's still runs the function, with a warning.
 */
final class NodeRuntime {

    private static final String RESOURCES = "/lambda-runtime/node/";
    private static final List<String> CLIENT_FILES =
            List.of("bootstrap.cjs", "errors.cjs", "handler.cjs", "logging.cjs", "opt-hooks.mjs", "opt-paths.cjs",
                    "runtime-api.cjs");
    private static final Pattern RUNTIME_MAJOR = Pattern.compile("nodejs(\\d+)\\.x");
    private static final Pattern VERSION = Pattern.compile("v(\\d+)\\.(\\d+)\\.\\d+\\S*");
    private static final String REQUIRE_MODULE = "experimental-require-module";
    private static final String DETECT_MODULE = "experimental-detect-module";
    /**
     * Node.js features Lambda turns off, by runtime (its Node.js page lists them): require() of ES modules, and
     * telling ES modules from CommonJS by their syntax. A function turns one back on in NODE_OPTIONS.
     */
    private static final Map<String, List<String>> TURNED_OFF = Map.of(
            "nodejs20.x", List.of(REQUIRE_MODULE),
            "nodejs22.x", List.of(REQUIRE_MODULE, DETECT_MODULE));
    private static final Logger LOG = Logger.getLogger(NodeRuntime.class);
    private static final String EXTRA_CA_CERTS = "NODE_EXTRA_CA_CERTS";
    /**
     * Variables every Node.js runtime starts with, under the function's own. Lambda's Node.js runtimes from 20 on load
     * no extra CA certificates unless the function sets NODE_EXTRA_CA_CERTS, as Node.js 20 reads and parses that file
     * at every start, TLS used or not: this machine's value (inherited otherwise) is blanked, which Node.js takes as
     * unset.
     */
    static final Map<String, String> VARIABLES = Map.of(EXTRA_CA_CERTS, "");

    /** The {@code node} found: where it is and what {@code node --version} said, or why none can be used. */
    sealed interface Node permits Found, Missing {
    }

    record Found(Path executable, String version, int major, int minor) implements Node {

        /** Whether this node knows the flag (it came in 20.17 and 22.0, resp. 20.10 and 21.1). */
        boolean knows(String feature) {
            return switch (feature) {
                case REQUIRE_MODULE -> major >= 22 || major == 20 && minor >= 17;
                case DETECT_MODULE -> major >= 21 || major == 20 && minor >= 10;
                default -> false;
            };
        }
    }

    record Missing(String reason) implements Node {
    }

    private final Path bootstrap;
    private final Node node;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    NodeRuntime(Path bootstrap, Node node) {
        this.bootstrap = bootstrap;
        this.node = node;
    }

    /** Writes the client into {@code dir} and looks for {@code node} on the PATH. */
    static NodeRuntime extract(Path dir) throws IOException {
        for (String file : CLIENT_FILES) {
            try (InputStream in = NodeRuntime.class.getResourceAsStream(RESOURCES + file)) {
                if (in == null) {
                    throw new IOException("the application lacks its resource " + RESOURCES + file);
                }
                Files.copy(in, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        String extraCaCerts = System.getenv(EXTRA_CA_CERTS);
        if (extraCaCerts != null && !extraCaCerts.isEmpty()) {
            LOG.infof("nodejs functions start without this machine's %s=%s, as on Lambda, where only a function's"
                    + " environment sets it (loading it costs every start tens of milliseconds); set it in a"
                    + " function's environment to use it there", EXTRA_CA_CERTS, extraCaCerts);
        }
        return new NodeRuntime(dir.resolve(CLIENT_FILES.getFirst()), find(System.getenv("PATH")));
    }

    /** The first executable {@code node} on the search path, and its version. */
    static Node find(String searchPath) {
        for (String dir : (searchPath == null ? "" : searchPath).split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "node");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return version(candidate);
            }
        }
        return new Missing("no node was found on the PATH");
    }

    private static Node version(Path executable) {
        try {
            Process process = new ProcessBuilder(executable.toString(), "--version").redirectErrorStream(true).start();
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Missing(executable + " --version did not answer within 10 s");
            }
            String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            Matcher version = VERSION.matcher(said);
            if (process.exitValue() != 0 || !version.matches()) {
                return new Missing(executable + " --version said \"" + said + "\", not a Node.js version");
            }
            return new Found(executable, said, Integer.parseInt(version.group(1)),
                    Integer.parseInt(version.group(2)));
        } catch (IOException e) {
            return new Missing(executable + " could not be run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Missing("interrupted while asking " + executable + " for its version");
        }
    }

    /**
     * Runs {@code runtime} (nodejs18.x ... nodejs24.x) with the node found, with the features Lambda turns off off
     * unless the function's NODE_OPTIONS turns them on and V8's heap sized by the function's memory; says once per
     * runtime which node.
     */
    LocalRuntimes.Plan plan(String runtime, Map<String, String> environment, int memoryMb) {
        Matcher wanted = RUNTIME_MAJOR.matcher(runtime);
        int major = wanted.matches() ? Integer.parseInt(wanted.group(1)) : 0;
        return switch (node) {
            case Missing(String reason) -> new LocalRuntimes.NotRunnable(VersionState.failed("InvalidRuntime",
                    "Local mode runs " + runtime + " functions with this machine's node, but " + reason
                            + "; install Node.js " + major + " (or put its node on the PATH) to run it here."));
            case Found found -> {
                if (reported.add(runtime)) {
                    if (found.major() == major) {
                        LOG.infof("%s functions run with node %s (%s)", runtime, found.version(), found.executable());
                    } else {
                        LOG.warnf("%s functions run with node %s (%s), not Node.js %d as on Lambda: what differs"
                                + " between the versions may behave differently here", runtime, found.version(),
                                found.executable(), major);
                    }
                }
                String options = environment.getOrDefault("NODE_OPTIONS", "");
                List<String> command = new ArrayList<>(List.of(found.executable().toString()));
                for (String feature : TURNED_OFF.getOrDefault(runtime, List.of())) {
                    if (found.knows(feature) && !options.contains("--" + feature)) {
                        command.add("--no-" + feature);
                    }
                }
                command.addAll(heapOptions(memoryMb));
                command.addAll(List.of(bootstrap.toString(), runtime));
                yield new LocalRuntimes.Runnable(command);
            }
        };
    }

    /** Lambda's bootstrap sizes V8's heap by the function's memory: a tenth for the young generation, the rest old. */
    static List<String> heapOptions(int memoryMb) {
        int newSpace = memoryMb / 10;
        return List.of("--max-semi-space-size=" + newSpace / 2, "--max-old-space-size=" + (memoryMb - newSpace));
    }
}
