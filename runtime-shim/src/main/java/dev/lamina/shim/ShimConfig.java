package dev.lamina.shim;

import dev.lamina.shim.logs.LoggingConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Everything one execution environment needs: the function's Lambda settings, where the shim listens, and how the
 * runtime is started. Build one with {@link #builder()}; every setting has Lambda's default.
 *
 * @param functionName          {@code AWS_LAMBDA_FUNCTION_NAME}
 * @param functionVersion       {@code $LATEST} or a published version number
 * @param memoryMb              128..10240, reported in REPORT lines and to the runtime
 * @param timeout               invocation timeout, 1 s .. 900 s
 * @param handler               {@code _HANDLER}; may be null for runtimes that need none
 * @param region                {@code AWS_REGION}
 * @param accountId             12 digits, used in the default function ARN
 * @param concurrency           invocations one environment serves at a time (Lambda: 1)
 * @param invokePort            port of the invoke endpoint, 0 = ephemeral
 * @param runtimeApiPort        port of the Runtime API, 0 = ephemeral (9001 in a pod)
 * @param invokeHost            address the invoke endpoint binds (127.0.0.1 locally, 0.0.0.0 in a pod);
 *                              the Runtime API always binds 127.0.0.1
 * @param runtimeCommand        the runtime to start and supervise; empty = sidecar mode (runtime in another container)
 * @param workingDirectory      the runtime's working directory (null = the shim's own)
 * @param environment           extra environment for the runtime (the function's variables)
 * @param initializationType    {@code AWS_LAMBDA_INITIALIZATION_TYPE}
 * @param logSink               receives every function log line, START/END/REPORT included (called one line at a time)
 * @param initTimeout           budget for the runtime's init (until its first {@code /next}); child-process mode only
 * @param sidecarProcessPattern sidecar mode: regular expression found in the command line of the runtime's processes;
 *                              empty = the processes whose environment holds this shim's {@code AWS_LAMBDA_RUNTIME_API}
 * @param tmpDirectory          child-process mode: the environment's private /tmp, given to the runtime as
 *                              {@code TMPDIR}, created at the runtime's start and deleted when the shim stops; null =
 *                              the machine's
 * @param extensionsDirectory   child-process mode: every executable file in it is started at init as an external
 *                              extension, before the runtime (Lambda's {@code /opt/extensions}); null = none
 * @param logging               the function's logging configuration: format, levels, log group
 * @param runtimeOutput         sidecar mode: the named pipe the runtime's stdout and stderr come through, made by the
 *                              wrapper of {@link ShimContract#wrapRuntime} in a volume both containers mount; null =
 *                              the runtime's output does not pass the shim (only platform lines are in its log)
 */
public record ShimConfig(
        String functionName,
        String functionVersion,
        int memoryMb,
        Duration timeout,
        String handler,
        String region,
        String accountId,
        int concurrency,
        int invokePort,
        int runtimeApiPort,
        String invokeHost,
        List<String> runtimeCommand,
        Path workingDirectory,
        Map<String, String> environment,
        InitializationType initializationType,
        Consumer<String> logSink,
        Duration initTimeout,
        Optional<Pattern> sidecarProcessPattern,
        Path tmpDirectory,
        Path extensionsDirectory,
        LoggingConfig logging,
        Path runtimeOutput) {

    public static final String LATEST = "$LATEST";
    private static final Pattern FUNCTION_NAME = Pattern.compile("[a-zA-Z0-9-_]{1,64}");
    private static final Pattern VERSION = Pattern.compile("\\$LATEST|[0-9]{1,10}");
    private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");

    public ShimConfig {
        require(functionName != null && FUNCTION_NAME.matcher(functionName).matches(),
                "functionName must be 1-64 letters, digits, '-' or '_', got: " + functionName);
        require(functionVersion != null && VERSION.matcher(functionVersion).matches(),
                "functionVersion must be $LATEST or a number, got: " + functionVersion);
        require(memoryMb >= 128 && memoryMb <= 10240, "memoryMb must be 128..10240, got: " + memoryMb);
        Objects.requireNonNull(timeout, "timeout");
        require(timeout.compareTo(Duration.ofSeconds(1)) >= 0 && timeout.compareTo(Duration.ofSeconds(900)) <= 0,
                "timeout must be 1..900 seconds, got: " + timeout);
        require(region != null && !region.isBlank(), "region must not be blank");
        require(accountId != null && ACCOUNT.matcher(accountId).matches(), "accountId must be 12 digits, got: " + accountId);
        require(concurrency >= 1, "concurrency must be at least 1, got: " + concurrency);
        require(invokePort >= 0 && invokePort <= 65535, "invokePort must be 0..65535, got: " + invokePort);
        require(runtimeApiPort >= 0 && runtimeApiPort <= 65535, "runtimeApiPort must be 0..65535, got: " + runtimeApiPort);
        require(invokeHost != null && !invokeHost.isBlank(), "invokeHost must not be blank");
        runtimeCommand = List.copyOf(Objects.requireNonNull(runtimeCommand, "runtimeCommand"));
        environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
        Objects.requireNonNull(initializationType, "initializationType");
        Objects.requireNonNull(logSink, "logSink");
        Objects.requireNonNull(initTimeout, "initTimeout");
        require(initTimeout.isPositive(), "initTimeout must be positive");
        Objects.requireNonNull(sidecarProcessPattern, "sidecarProcessPattern");
        Objects.requireNonNull(logging, "logging");
        require(runtimeOutput == null || runtimeCommand.isEmpty(),
                "runtimeOutput is for sidecar mode: a child runtime's output comes through its own pipe");
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** True when the runtime lives in another container and the shim only serves its Runtime API. */
    public boolean sidecar() {
        return runtimeCommand.isEmpty();
    }

    /** The function's memory in bytes. */
    public long memoryBytes() {
        return (long) memoryMb << 20;
    }

    /** The ARN a runtime sees when the caller names none: unqualified for {@code $LATEST}, else with the version. */
    public String defaultFunctionArn() {
        String arn = "arn:aws:lambda:" + region + ":" + accountId + ":function:" + functionName;
        return LATEST.equals(functionVersion) ? arn : arn + ":" + functionVersion;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    public static final class Builder {
        private String functionName = "function";
        private String functionVersion = LATEST;
        private int memoryMb = 128;
        private Duration timeout = Duration.ofSeconds(3);
        private String handler;
        private String region = "us-east-1";
        private String accountId = "000000000000";
        private int concurrency = 1;
        private int invokePort;
        private int runtimeApiPort;
        private String invokeHost = "127.0.0.1";
        private List<String> runtimeCommand = List.of();
        private Path workingDirectory;
        private Map<String, String> environment = Map.of();
        private InitializationType initializationType = InitializationType.ON_DEMAND;
        private Consumer<String> logSink = System.out::println;
        private Duration initTimeout = Duration.ofSeconds(10);
        private Optional<Pattern> sidecarProcessPattern = Optional.empty();
        private Path tmpDirectory;
        private Path extensionsDirectory;
        private LoggingConfig logging = LoggingConfig.TEXT;
        private Path runtimeOutput;

        private Builder() {
        }

        private Builder(ShimConfig config) {
            functionName = config.functionName;
            functionVersion = config.functionVersion;
            memoryMb = config.memoryMb;
            timeout = config.timeout;
            handler = config.handler;
            region = config.region;
            accountId = config.accountId;
            concurrency = config.concurrency;
            invokePort = config.invokePort;
            runtimeApiPort = config.runtimeApiPort;
            invokeHost = config.invokeHost;
            runtimeCommand = config.runtimeCommand;
            workingDirectory = config.workingDirectory;
            environment = config.environment;
            initializationType = config.initializationType;
            logSink = config.logSink;
            initTimeout = config.initTimeout;
            sidecarProcessPattern = config.sidecarProcessPattern;
            tmpDirectory = config.tmpDirectory;
            extensionsDirectory = config.extensionsDirectory;
            logging = config.logging;
            runtimeOutput = config.runtimeOutput;
        }

        public Builder functionName(String functionName) {
            this.functionName = functionName;
            return this;
        }

        public Builder functionVersion(String functionVersion) {
            this.functionVersion = functionVersion;
            return this;
        }

        public Builder memoryMb(int memoryMb) {
            this.memoryMb = memoryMb;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder handler(String handler) {
            this.handler = handler;
            return this;
        }

        public Builder region(String region) {
            this.region = region;
            return this;
        }

        public Builder accountId(String accountId) {
            this.accountId = accountId;
            return this;
        }

        public Builder concurrency(int concurrency) {
            this.concurrency = concurrency;
            return this;
        }

        public Builder invokePort(int invokePort) {
            this.invokePort = invokePort;
            return this;
        }

        public Builder runtimeApiPort(int runtimeApiPort) {
            this.runtimeApiPort = runtimeApiPort;
            return this;
        }

        public Builder invokeHost(String invokeHost) {
            this.invokeHost = invokeHost;
            return this;
        }

        public Builder runtimeCommand(List<String> runtimeCommand) {
            this.runtimeCommand = runtimeCommand;
            return this;
        }

        public Builder runtimeCommand(String... runtimeCommand) {
            return runtimeCommand(List.of(runtimeCommand));
        }

        public Builder workingDirectory(Path workingDirectory) {
            this.workingDirectory = workingDirectory;
            return this;
        }

        public Builder environment(Map<String, String> environment) {
            this.environment = environment;
            return this;
        }

        public Builder initializationType(InitializationType initializationType) {
            this.initializationType = initializationType;
            return this;
        }

        public Builder logSink(Consumer<String> logSink) {
            this.logSink = logSink;
            return this;
        }

        public Builder initTimeout(Duration initTimeout) {
            this.initTimeout = initTimeout;
            return this;
        }

        public Builder sidecarProcessPattern(Pattern sidecarProcessPattern) {
            this.sidecarProcessPattern = Optional.ofNullable(sidecarProcessPattern);
            return this;
        }

        public Builder tmpDirectory(Path tmpDirectory) {
            this.tmpDirectory = tmpDirectory;
            return this;
        }

        public Builder extensionsDirectory(Path extensionsDirectory) {
            this.extensionsDirectory = extensionsDirectory;
            return this;
        }

        public Builder logging(LoggingConfig logging) {
            this.logging = logging;
            return this;
        }

        public Builder runtimeOutput(Path runtimeOutput) {
            this.runtimeOutput = runtimeOutput;
            return this;
        }

        public ShimConfig build() {
            return new ShimConfig(functionName, functionVersion, memoryMb, timeout, handler, region, accountId,
                    concurrency, invokePort, runtimeApiPort, invokeHost, runtimeCommand, workingDirectory, environment,
                    initializationType, logSink, initTimeout, sidecarProcessPattern, tmpDirectory,
                    extensionsDirectory, logging, runtimeOutput);
        }
    }
}
