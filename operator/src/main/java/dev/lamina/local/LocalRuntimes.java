package dev.lamina.local;

import dev.lamina.api.FunctionSpec;
import dev.lamina.environments.VersionRef;
import dev.lamina.gateway.Accounts;
import dev.lamina.gateway.VersionState;
import dev.lamina.shim.InitializationType;
import dev.lamina.shim.ShimConfig;
import dev.lamina.shim.logs.LoggingConfig;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.CodeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * How a function runs as a local process: the AWS Java runtime interface client for {@code java*} runtimes, the
 * machine's node under Lamina's own runtime client for {@code nodejs*} ({@link NodeRuntime}), the machine's Python
 * under Lamina's client for {@code python*} ({@link PythonRuntime}), the code's {@code bootstrap} for
 * {@code provided*}, a container image under the machine's {@link ContainerEngine}. Other runtimes cannot run here
 * yet.
 */
final class LocalRuntimes {

    static final String JAVA_RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    /** Where the client loads its native HTTP library from, instead of copying it to /tmp at every start. */
    static final String JAVA_RIC_JNI_PROPERTY =
            "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";

    /** AWS SDKs send CodeDeploy's calls here. */
    private static final String CODEDEPLOY_ENDPOINT = "AWS_ENDPOINT_URL_CODEDEPLOY";

    /** What local mode can do with a version. */
    sealed interface Plan permits Runnable, NotRunnable {
    }

    /** Run this command (in the code directory). */
    record Runnable(List<String> command) implements Plan {
    }

    /** Cannot run here: the version's state says why. */
    record NotRunnable(VersionState state) implements Plan {
    }

    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    private final Path javaRuntimeDir;
    private final Path tmpRoot;
    private final Path javaNativeLibrary;
    private final NodeRuntime node;
    private final PythonRuntime python;
    private final String region;
    private final Supplier<String> endpoint;
    private final Accounts accounts;
    private final Consumer<String> console;

    /**
     * @param javaRuntimeDir    the jars of the AWS Java runtime interface client, or null when not found
     * @param javaNativeLibrary the client's native library for this machine, extracted once (see
     *                          {@link #extractJavaNativeLibrary}), or null to let each runtime extract its own
     * @param node              how nodejs* functions run
     * @param python            runs {@code python*} functions
     * @param console           where function log lines are printed, or null to print none
     * @param endpoint          this process's HTTP address once it listens, else null
     * @param tmpRoot           where the environments' private /tmp directories are made
     */
    LocalRuntimes(Path javaRuntimeDir, Path javaNativeLibrary, NodeRuntime node, PythonRuntime python, String region,
                  Accounts accounts, Consumer<String> console, Supplier<String> endpoint, Path tmpRoot) {
        this.tmpRoot = tmpRoot;
        this.endpoint = endpoint;
        this.javaRuntimeDir = javaRuntimeDir;
        this.javaNativeLibrary = javaNativeLibrary;
        this.node = node;
        this.python = python;
        this.region = region;
        this.accounts = accounts;
        this.console = console;
    }

    /** @param opt the function's layers, extracted (null without layers) */
    Plan plan(FunctionSpec spec, Path codeDir, Path opt) {
        if (spec.image() != null) {
            return ContainerEngine.onThisMachine()
                    .<Plan>map(engine -> new Runnable(engine.command(spec, variableNames(spec))))
                    .orElseGet(() -> new NotRunnable(VersionState.failed("InvalidImage", "Local mode runs container"
                            + " images with Docker or Podman and cannot run the container image " + spec.image()
                            + " (no container engine answers on this machine: docker or podman on the PATH);"
                            + " install one, or deploy this function to a cluster to run it.")));
        }
        String runtime = spec.runtime();
        if (runtime.startsWith("java")) {
            if (javaRuntimeDir == null) {
                return new NotRunnable(VersionState.failed("InvalidRuntime", "The AWS Java runtime interface client"
                        + " was not found next to the application (lambda-runtime/java); rebuild with ./mvnw package"
                        + " or set lamina.local.java-runtime-dir."));
            }
            return new Runnable(javaCommand(spec, codeDir, opt));
        }
        if (runtime.startsWith("nodejs")) {
            return node.plan(runtime, spec.environment() == null ? Map.of() : spec.environment(),
                    spec.memoryMB());
        }
        if (runtime.startsWith("python")) {
            return python.plan(runtime);
        }
        if (runtime.startsWith("provided")) {
            Path bootstrap = codeDir.resolve("bootstrap");
            if (!Files.isRegularFile(bootstrap)) {
                return new NotRunnable(VersionState.failed("InvalidEntrypoint",
                        "The code of a " + runtime + " function needs an executable file named bootstrap at its"
                                + " root."));
            }
            if (!Files.isExecutable(bootstrap)) {
                return new NotRunnable(VersionState.failed("InvalidEntrypoint",
                        "The bootstrap file of the code is not executable (chmod +x bootstrap)."));
            }
            return new Runnable(List.of(bootstrap.toString()));
        }
        return new NotRunnable(VersionState.failed("InvalidRuntime", "Local mode runs java*, nodejs*, python* and"
                + " provided* runtimes; " + runtime + " cannot run locally yet. Deploy this function to a cluster to run"
                + " it."));
    }

    /**
     * One environment's settings; each gets a private /tmp of its own under {@code tmpRoot}, which the shim deletes
     * when the environment stops.
     *
     * @param opt       the function's layers, extracted (null without layers); its {@code extensions/} holds the
     *                  external extensions, as Lambda's /opt/extensions
     * @param variables what local mode sets up around the code ({@link LocalSandbox.Prepared#variables()})
     */
    ShimConfig shimConfig(VersionRef version, FunctionSpec spec, Path codeDir, Path opt, List<String> command,
                          Map<String, String> variables, boolean provisioned) {
        Path tmp = tmpRoot.resolve(UUID.randomUUID().toString());
        String label = version.function() + ":" + version.version();
        Consumer<String> logs = console != null ? line -> console.accept("[" + label + "] " + line) : line -> { };
        return ShimConfig.builder()
                .functionName(version.function())
                .functionVersion(version.version())
                .memoryMb(spec.memoryMB())
                .timeout(Duration.ofSeconds(spec.timeoutSeconds()))
                .handler(spec.handler())
                .region(region)
                .accountId(accounts.accountId(version.namespace()))
                .concurrency(spec.concurrency().perEnvironment())
                .invokeHost("127.0.0.1")
                .runtimeCommand(withTmpDirectory(command, tmp))
                .workingDirectory(codeDir)
                .environment(environment(spec, variables))
                .tmpDirectory(tmp)
                .extensionsDirectory(opt == null ? null : opt.resolve("extensions"))
                .initializationType(provisioned ? InitializationType.PROVISIONED_CONCURRENCY
                        : InitializationType.ON_DEMAND)
                .logSink(logs)
                .logging(LoggingConfig.fromVariables(spec.loggingVariables()))
                .build();
    }

    /** The names {@link #environment} may set, which a container is handed. */
    private static List<String> variableNames(FunctionSpec spec) {
        List<String> names = new ArrayList<>(List.of(CODEDEPLOY_ENDPOINT));
        if (spec.environment() != null) {
            names.addAll(spec.environment().keySet());
        }
        if (spec.secretEnvironment() != null) {
            spec.secretEnvironment().forEach(variable -> names.add(variable.name()));
        }
        return names;
    }

    /**
     * The function's variables over what local mode sets up around the code, the endpoint of CodeDeploy's calls
     * (AWS SDKs read {@code AWS_ENDPOINT_URL_CODEDEPLOY}): this process, so a traffic hook written for CodeDeploy
     * reports here unchanged, and the runtime's own ({@link NodeRuntime#VARIABLES}). A variable of the function's own
     * wins.
     */
    private Map<String, String> environment(FunctionSpec spec, Map<String, String> variables) {
        Map<String, String> environment = new HashMap<>(variables);
        String address = endpoint.get();
        if (address != null) {
            environment.put(CODEDEPLOY_ENDPOINT, address);
        }
        if (spec.runtime() != null && spec.runtime().startsWith("nodejs")) {
            environment.putAll(NodeRuntime.VARIABLES);
        }
        if (spec.environment() != null) {
            environment.putAll(spec.environment());
        }
        return environment;
    }

    /**
     * The JVM flags Lambda's Java runtimes use (client compiler only, serial GC, class data sharing, heap from the
     * memory size), the task root's classes and jars, the layers' java/lib jars, then the runtime interface client.
     */
    private List<String> javaCommand(FunctionSpec spec, Path codeDir, Path opt) {
        List<String> classpath = new ArrayList<>(List.of(codeDir.toString(), codeDir.resolve("*").toString(),
                codeDir.resolve("lib").resolve("*").toString()));
        if (opt != null) {
            classpath.add(opt.resolve("java").resolve("lib").resolve("*").toString());
        }
        classpath.add(javaRuntimeDir.resolve("*").toString());
        List<String> command = new ArrayList<>(List.of(JAVA,
                "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                // The client loads its native HTTP library; say so, or newer JVMs print a warning at every start.
                "--enable-native-access=ALL-UNNAMED",
                "-Xmx" + (spec.memoryMB() * 85 / 100) + "m"));
        if (javaNativeLibrary != null) {
            command.add("-D" + JAVA_RIC_JNI_PROPERTY + "=" + javaNativeLibrary);
        }
        command.addAll(List.of("-cp", String.join(File.pathSeparator, classpath), JAVA_RIC_MAIN, spec.handler()));
        return command;
    }

    /** Java reads its temporary directory from a property, not from TMPDIR: the Java command is given it. */
    private static List<String> withTmpDirectory(List<String> command, Path tmp) {
        if (command.isEmpty() || !command.getFirst().equals(JAVA)) {
            return command;
        }
        List<String> withTmp = new ArrayList<>(command);
        withTmp.add(1, "-Djava.io.tmpdir=" + tmp);
        return withTmp;
    }

    /**
     * Extracts the runtime interface client's native library for this machine into {@code dir}. Left to itself, every
     * client process copies it to the same file in /tmp and loads it from there: fine with one runtime per sandbox,
     * but runtimes starting at once here would overwrite it under each other (the JVM then aborts). Returns null when
     * there is no library for this platform (each runtime then tries its own).
     */
    static Path extractJavaNativeLibrary(Path javaRuntimeDir, Path dir) throws IOException {
        String arch = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch_64";
            default -> null;
        };
        if (arch == null || javaRuntimeDir == null) {
            return null;
        }
        boolean musl = Files.exists(Path.of("/lib/ld-musl-" + (arch.equals("x86_64") ? "x86_64" : "aarch64")
                + ".so.1"));
        String entry = "jni/libaws-lambda-jni." + (musl ? "linux_musl-" : "linux-") + arch + ".so";
        try (var jars = Files.newDirectoryStream(javaRuntimeDir, "aws-lambda-java-runtime-interface-client-*.jar")) {
            for (Path jar : jars) {
                try (ZipFile zip = new ZipFile(jar.toFile())) {
                    ZipEntry library = zip.getEntry(entry);
                    if (library != null) {
                        Path target = dir.resolve("libaws-lambda-jni.so");
                        try (InputStream in = zip.getInputStream(library)) {
                            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                        }
                        return target;
                    }
                }
            }
        }
        return null;
    }

    /** Where the build put the Java runtime interface client: searched upwards from this application's code. */
    static Path findJavaRuntimeDir() {
        CodeSource source = LocalRuntimes.class.getProtectionDomain().getCodeSource();
        if (source == null) {
            return null;
        }
        Path here;
        try {
            here = Path.of(source.getLocation().toURI());
        } catch (URISyntaxException | IllegalArgumentException | FileSystemNotFoundException e) {
            return null;
        }
        for (Path p = here; p != null; p = p.getParent()) {
            Path candidate = p.resolve("lambda-runtime").resolve("java");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
