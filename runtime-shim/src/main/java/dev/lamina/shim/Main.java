package dev.lamina.shim;

import dev.lamina.shim.logs.LoggingConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The shim as a command: a drop-in for the AWS runtime interface emulator ({@code aws-lambda-rie}).
 *
 * <pre>
 * java -jar lamina-shim.jar [options] [--] BOOTSTRAP [ARGS...]   start and supervise the runtime
 * java -jar lamina-shim.jar [options]                          sidecar: serve a runtime in another container
 * </pre>
 *
 * Settings come from the variables the emulator reads ({@code AWS_LAMBDA_FUNCTION_TIMEOUT},
 * {@code AWS_LAMBDA_FUNCTION_MEMORY_SIZE}, {@code AWS_LAMBDA_FUNCTION_NAME}, {@code _HANDLER}, …) and the options.
 */
public final class Main {

    static final String USAGE = """
            usage: java -jar lamina-shim.jar [options] [--] [BOOTSTRAP [ARGS...]]

            Serves the Lambda Runtime API to BOOTSTRAP (started and supervised as a child process) and invokes it at
            POST http://HOST:PORT/2015-03-31/functions/function/invocations. Without BOOTSTRAP the runtime runs in
            another container of the pod (sidecar mode).

            options:
              --port N                     invoke port (default 8080; 0 = any free port)
              --host ADDRESS               invoke bind address (default 0.0.0.0)
              --runtime-api-port N         Runtime API port on 127.0.0.1 (default 9001 in sidecar mode, else any)
              --concurrency N              invocations served at a time (default AWS_LAMBDA_MAX_CONCURRENCY or 1)
              --sidecar-process-pattern RE sidecar mode: regular expression matching the runtime's command lines
                                           (default: processes whose AWS_LAMBDA_RUNTIME_API points at this shim)
              --runtime-output FIFO        sidecar mode: named pipe the runtime's stdout and stderr come through
                                           (made by the runtime container's wrapper); its lines join the log
              --extensions-dir DIR         executables started as external extensions before BOOTSTRAP
                                           (default /opt/extensions, as Lambda's; not in sidecar mode)
              --help                       this text

            environment: AWS_LAMBDA_FUNCTION_NAME (function), AWS_LAMBDA_FUNCTION_VERSION ($LATEST),
              AWS_LAMBDA_FUNCTION_TIMEOUT seconds (3), AWS_LAMBDA_FUNCTION_MEMORY_SIZE MB (128), _HANDLER,
              AWS_REGION (us-east-1), AWS_LAMBDA_INITIALIZATION_TYPE (on-demand), AWS_LAMBDA_MAX_CONCURRENCY (1)
            """;

    private static final String DEFAULT_FUNCTION_NAME = "function";
    private static final Path DEFAULT_EXTENSIONS = Path.of("/opt/extensions");

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        // Keeps Netty off sun.misc.Unsafe, whose use newer JDKs report with a warning on every start.
        defaultProperty("io.netty.noUnsafe", "true");
        // 1 MiB buffer pool chunks instead of 4 MiB: the shim holds little data at a time, and RSS counts each chunk.
        defaultProperty("io.netty.allocator.maxOrder", "7");
        ShimConfig config;
        try {
            config = parse(Arrays.asList(args), System.getenv());
        } catch (IllegalArgumentException invalid) {
            System.err.println("lamina-shim: " + invalid.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        if (config == null) {
            System.out.print(USAGE);
            return;
        }
        Shim shim;
        try {
            shim = Shim.start(config);
        } catch (RuntimeException cannotStart) {
            System.err.println("lamina-shim: cannot start: " + cannotStart.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shim.close();
            stopped.countDown();
        }, "lamina-shim-shutdown"));
        System.err.println("lamina-shim: invoke endpoint http://" + hostPort(shim.invokeAddress())
                + ShimContract.invokePath(DEFAULT_FUNCTION_NAME) + ", Runtime API " + hostPort(shim.runtimeApiAddress())
                + (config.sidecar() ? " (sidecar mode)" : ""));
        stopped.await();
    }

    private static void defaultProperty(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }

    private static String hostPort(java.net.InetSocketAddress address) {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    /** The configuration for these arguments and this environment; null when help was asked for. */
    static ShimConfig parse(List<String> args, Map<String, String> env) {
        ShimConfig.Builder config = ShimConfig.builder()
                .invokePort(ShimContract.INVOKE_PORT)
                .invokeHost("0.0.0.0")
                .functionName(env.getOrDefault("AWS_LAMBDA_FUNCTION_NAME", DEFAULT_FUNCTION_NAME))
                .functionVersion(env.getOrDefault("AWS_LAMBDA_FUNCTION_VERSION", ShimConfig.LATEST))
                .handler(env.get("_HANDLER"))
                .region(env.getOrDefault("AWS_REGION", "us-east-1"))
                .extensionsDirectory(DEFAULT_EXTENSIONS);
        if (env.containsKey("AWS_LAMBDA_FUNCTION_TIMEOUT")) {
            config.timeout(Duration.ofSeconds(number("AWS_LAMBDA_FUNCTION_TIMEOUT", env.get("AWS_LAMBDA_FUNCTION_TIMEOUT"))));
        }
        if (env.containsKey("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")) {
            config.memoryMb(number("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")));
        }
        if (env.containsKey("AWS_LAMBDA_MAX_CONCURRENCY")) {
            config.concurrency(number("AWS_LAMBDA_MAX_CONCURRENCY", env.get("AWS_LAMBDA_MAX_CONCURRENCY")));
        }
        if (env.containsKey("AWS_LAMBDA_INITIALIZATION_TYPE")) {
            config.initializationType(InitializationType.of(env.get("AWS_LAMBDA_INITIALIZATION_TYPE")));
        }
        config.logging(LoggingConfig.fromVariables(env));
        Integer runtimeApiPort = null;
        List<String> command = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!command.isEmpty() || !arg.startsWith("--")) {
                command.add(arg);
                continue;
            }
            switch (arg) {
                case "--" -> command.addAll(args.subList(i + 1, args.size()));
                case "--help" -> {
                    return null;
                }
                case "--port" -> config.invokePort(number(arg, value(args, ++i, arg)));
                case "--host" -> config.invokeHost(value(args, ++i, arg));
                case "--runtime-api-port" -> runtimeApiPort = number(arg, value(args, ++i, arg));
                case "--concurrency" -> config.concurrency(number(arg, value(args, ++i, arg)));
                case "--sidecar-process-pattern" -> config.sidecarProcessPattern(pattern(value(args, ++i, arg)));
                case "--runtime-output" -> config.runtimeOutput(Path.of(value(args, ++i, arg)));
                case "--extensions-dir" -> config.extensionsDirectory(Path.of(value(args, ++i, arg)));
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
            if (arg.equals("--")) {
                break;
            }
        }
        config.runtimeCommand(command);
        config.runtimeApiPort(runtimeApiPort != null ? runtimeApiPort
                : command.isEmpty() ? ShimContract.SIDECAR_RUNTIME_API_PORT : 0);
        return config.build();
    }

    private static String value(List<String> args, int index, String option) {
        if (index >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(index);
    }

    private static int number(String name, String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException notANumber) {
            throw new IllegalArgumentException(name + " must be a whole number, got: " + value);
        }
    }

    private static Pattern pattern(String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException invalid) {
            throw new IllegalArgumentException("--sidecar-process-pattern is not a valid regular expression: "
                    + invalid.getDescription());
        }
    }
}
