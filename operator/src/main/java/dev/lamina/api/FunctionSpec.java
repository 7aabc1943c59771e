package dev.lamina.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a user declares about a function: Lambda's function configuration, with Lambda's bounds and defaults. Defaults
 * are applied on construction as well as by the CRD schema, so a spec read from a file means the same as one read
 * back from the API server.
 */
@JsonClassDescription("What the function is: its code or image and Lambda's function configuration (memory, timeout, environment, concurrency, ...).")
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.image) != has(self.code)",
        message = "set exactly one of image (a container image) or code (runtime + code packaging)")
@ValidationRule(value = "has(self.code) == has(self.runtime)",
        message = "runtime is required with code, and only with code (an image brings its own runtime)")
@ValidationRule(value = "!has(self.code) || has(self.handler)",
        message = "handler is required when the function is packaged as code")
@ValidationRule(value = "!has(self.layers) || has(self.code)",
        message = "layers apply to code packaging only; put them into the image instead")
@ValidationRule(value = "!has(self.imageConfig) || has(self.image)",
        message = "imageConfig applies to container images only")
@ValidationRule(value = "!has(self.imageConfig) || !has(self.imageConfig.command) || !has(self.handler)",
        message = "set the image's command in imageConfig.command or in handler, not both")
@ValidationRule(value = "!has(self.secretEnvironment) || !has(self.environment) || self.secretEnvironment.all(s, !(s.name in self.environment))",
        message = "a variable may be set in environment or secretEnvironment, not both")
public record FunctionSpec(
        @JsonPropertyDescription("A Lambda container image: an AWS base image or any image with a Lambda runtime interface client. Exclusive with code.")
        @Size(min = 1, max = 1024) String image,
        @JsonPropertyDescription("Runtime for code packaging, as Lambda names it (java21, nodejs22.x, python3.13, provided.al2023, ...).")
        @Pattern("^(java(8\\.al2|11|17|21|25)|nodejs(18|20|22|24)\\.x|python3\\.(9|1[0-4])|ruby3\\.[2-4]|dotnet(8|9|10)|provided(\\.al2|\\.al2023)?)$")
        String runtime,
        @JsonPropertyDescription("Where the code comes from, for code packaging. Exclusive with image.")
        CodeSource code,
        @JsonPropertyDescription("Layers unpacked in order into /opt (at most 5), for code packaging; a later layer's file replaces an earlier one's. Local mode extracts them into a directory of its own, named by LAMINA_OPT, that the runtime's paths point into.")
        @Size(max = 5) List<CodeSource> layers,
        @JsonPropertyDescription("Lambda's ImageConfig for a container image: what replaces the image's ENTRYPOINT, CMD and WORKDIR.")
        ImageConfig imageConfig,
        @JsonPropertyDescription("The handler the runtime calls, e.g. example.Thumbnail::handleRequest or index.handler. For images it overrides the image's CMD.")
        @Size(min = 1, max = 128) String handler,
        @JsonPropertyDescription("A description of the function.")
        @Size(max = 256) String description,
        @JsonPropertyDescription("Memory in MB (128-10240). Sets the memory request and limit; CPU is memoryMB/1769 cores, at most 6.")
        @Min(128) @Max(10240) @Default("128") Integer memoryMB,
        @JsonPropertyDescription("Seconds an invocation may run before it is stopped (1-900).")
        @Min(1) @Max(900) @Default("3") Integer timeoutSeconds,
        @JsonPropertyDescription("Size of /tmp in MB (512-10240). Local mode gives each environment a private /tmp (TMPDIR) without enforcing its size.")
        @Min(512) @Max(10240) @Default("512") Integer ephemeralStorageMB,
        @JsonPropertyDescription("Environment variables for the function (at most 256, 4 KB in all with secretEnvironment, as Lambda measures them: one JSON object of names and values). Names start with a letter; variables the Lambda runtime sets (AWS_REGION, _HANDLER, ...) cannot be set, and AWS credentials belong in secretEnvironment.")
        @Size(max = 256)
        @ValidationRule(value = "self.all(k, k.matches('" + Names.ENVIRONMENT_VARIABLE + "'))",
                message = "environment variable names start with a letter and hold only letters, digits and underscores")
        @ValidationRule(value = "self.all(k, !(k in " + FunctionSpec.RESERVED_VARIABLES + "))",
                message = FunctionSpec.RESERVED_VARIABLES_MESSAGE)
        @ValidationRule(value = "self.all(k, !(k in ['AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']))",
                message = "AWS credentials do not belong in plain environment variables: put them in secretEnvironment")
        @ValidationRule(value = EnvironmentLimit.RULE, message = EnvironmentLimit.MESSAGE)
        Map<String, @Size(max = EnvironmentLimit.MAX_BYTES) String> environment,
        @JsonPropertyDescription("Environment variables taken from Secrets in the same namespace (at most 64), e.g. AWS credentials for the function. A missing Secret or key keeps the function from running.")
        @Size(max = 64)
        @ValidationRule(value = "self.all(a, self.exists_one(b, b.name == a.name))",
                message = "secretEnvironment names must be unique")
        @ValidationRule(value = "self.all(s, !(s.name in " + FunctionSpec.RESERVED_VARIABLES + "))",
                message = FunctionSpec.RESERVED_VARIABLES_MESSAGE)
        List<SecretEnvVar> secretEnvironment,
        @JsonPropertyDescription("Shared file systems mounted like Lambda's EFS (at most 5): a ReadWriteMany PersistentVolumeClaim, a path inside it, a POSIX user. Local mode links the mount path to a directory <file-systems-dir>/<claimName>/<path> and does not enforce readOnly, uid or gid.")
        @Size(max = 5)
        @ValidationRule(value = "self.all(a, self.exists_one(b, b.mountPath == a.mountPath))",
                message = "fileSystems mount paths must be unique")
        List<FileSystemMount> fileSystems,
        @JsonPropertyDescription("The ServiceAccount the function runs as: its execution role. Default: the namespace's default ServiceAccount.")
        @Size(max = Names.KUBERNETES_OBJECT_MAX_LENGTH) @Pattern(Names.KUBERNETES_OBJECT) String serviceAccountName,
        @JsonPropertyDescription("Concurrency limits.")
        Concurrency concurrency,
        @JsonPropertyDescription("How execution environments scale.")
        Scaling scaling,
        @JsonPropertyDescription("Asynchronous invocation: retries, event age, destinations and dead-letter queue.")
        Async async,
        @JsonPropertyDescription("Lambda's logging configuration: the log format of the function's and the platform's lines, their levels and the log group name.")
        LoggingConfig loggingConfig,
        @JsonPropertyDescription("A Function URL for $LATEST: an HTTP endpoint that invokes the function with an HTTP event; its address is in status.functionUrl. Not part of a version: changing it publishes nothing, and a version's snapshot never serves one (put a URL on an Alias instead).")
        FunctionUrl url,
        @JsonPropertyDescription("Publish a new immutable FunctionVersion whenever the code or configuration changes.")
        @Default("false") Boolean publish,
        @JsonPropertyDescription("How many published versions to keep; older ones are deleted unless an alias points at them.")
        @Min(1) @Max(1000) @Default("10") Integer versionHistoryLimit) {

    /** Variables the Lambda runtime sets itself, as a CEL list. */
    static final String RESERVED_VARIABLES = "['_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', "
            + "'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', "
            + "'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME', "
            + "'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR']";
    static final String RESERVED_VARIABLES_MESSAGE = "sets a variable the Lambda runtime sets itself "
            + "(_HANDLER, AWS_REGION, AWS_LAMBDA_*, LAMBDA_TASK_ROOT, ...)";

    public FunctionSpec {
        memoryMB = memoryMB == null ? 128 : memoryMB;
        timeoutSeconds = timeoutSeconds == null ? 3 : timeoutSeconds;
        ephemeralStorageMB = ephemeralStorageMB == null ? 512 : ephemeralStorageMB;
        publish = publish != null && publish;
        versionHistoryLimit = versionHistoryLimit == null ? 10 : versionHistoryLimit;
        concurrency = concurrency == null ? new Concurrency(null, null) : concurrency;
        scaling = scaling == null ? new Scaling(null, null) : scaling;
        async = async == null ? new Async(null, null, null, null, null) : async;
    }

    /** An environment variable whose value comes from a Secret key. */
    public record SecretEnvVar(
            @JsonPropertyDescription("Variable name: starts with a letter, then letters, digits and underscores.")
            @Required @Size(max = 256) @Pattern(Names.ENVIRONMENT_VARIABLE) String name,
            @JsonPropertyDescription("The Secret key holding the value.")
            @Required SecretKeyRef secretKeyRef) {
    }

    /** A key of a Secret in the same namespace. */
    public record SecretKeyRef(
            @JsonPropertyDescription("Secret name.")
            @Required @Size(max = Names.KUBERNETES_OBJECT_MAX_LENGTH) @Pattern(Names.KUBERNETES_OBJECT) String name,
            @JsonPropertyDescription("Key in the Secret.")
            @Required @Size(max = 253) @Pattern("^[-._a-zA-Z0-9]+$") String key) {
    }

    /** An EFS-style mount: like a Lambda file system config with an EFS access point. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FileSystemMount(
            @JsonPropertyDescription("A ReadWriteMany PersistentVolumeClaim in the same namespace (the file system).")
            @Required @Size(max = Names.KUBERNETES_OBJECT_MAX_LENGTH) @Pattern(Names.KUBERNETES_OBJECT) String claimName,
            @JsonPropertyDescription("Where the function sees it: an absolute path directly under /mnt/, as in Lambda (e.g. /mnt/assets).")
            @Required @Size(max = 160) @Pattern("^/mnt/[a-zA-Z0-9_.-]+$") String mountPath,
            @JsonPropertyDescription("The access point's root: the absolute directory inside the volume that is mounted.")
            @Size(max = 1024) @Pattern("^/.*") @Default("/") String path,
            @JsonPropertyDescription("Mount read-only.")
            @Default("false") Boolean readOnly,
            @JsonPropertyDescription("POSIX user id the function runs as on this file system.")
            @Min(0) @Max(2147483647) Long uid,
            @JsonPropertyDescription("POSIX group id applied to the file system (fsGroup).")
            @Min(0) @Max(2147483647) Long gid) {

        public FileSystemMount {
            path = path == null ? "/" : path;
            readOnly = readOnly != null && readOnly;
        }
    }

    /** Concurrency: how many invocations may run at once, and how many one environment serves. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Concurrency(
            @JsonPropertyDescription("Reserved concurrency: the most invocations running at once (0 throttles every call). Unset: limited by the namespace's account limit only.")
            @Min(0) Integer reserved,
            @JsonPropertyDescription("Invocations one execution environment serves at once (Lambda: 1).")
            @Min(1) @Max(128) @Default("1") Integer perEnvironment) {

        public Concurrency {
            perEnvironment = perEnvironment == null ? 1 : perEnvironment;
        }
    }

    /** Autoscaling of execution environments. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Scaling(
            @JsonPropertyDescription("Seconds an environment may stay idle before it is stopped (environments kept by provisioned concurrency stay).")
            @Min(1) @Max(86400) @Default("300") Integer idleTimeoutSeconds,
            @JsonPropertyDescription("Fraction of environment slots the autoscaler aims to keep busy (1.0 = exactly as many environments as concurrent invocations, like Lambda).")
            @Min(0.1) @Max(1.0) @Default("1.0") Double targetUtilization) {

        public Scaling {
            idleTimeoutSeconds = idleTimeoutSeconds == null ? 300 : idleTimeoutSeconds;
            targetUtilization = targetUtilization == null ? 1.0 : targetUtilization;
        }
    }

    /** Asynchronous invocation settings (Lambda's EventInvokeConfig and dead-letter config). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Async(
            @JsonPropertyDescription("How often a function error is retried (0-2).")
            @Min(0) @Max(2) @Default("2") Integer maximumRetryAttempts,
            @JsonPropertyDescription("Seconds an event may wait before it is discarded (60-21600).")
            @Min(60) @Max(21600) @Default("21600") Integer maximumEventAgeSeconds,
            @JsonPropertyDescription("Where a record of each successful invocation goes.")
            Destination onSuccess,
            @JsonPropertyDescription("Where a record of each invocation that finally failed goes.")
            Destination onFailure,
            @JsonPropertyDescription("An SQS queue receiving the original event of each finally failed invocation.")
            SqsTarget deadLetterQueue) {

        public Async {
            maximumRetryAttempts = maximumRetryAttempts == null ? 2 : maximumRetryAttempts;
            maximumEventAgeSeconds = maximumEventAgeSeconds == null ? 21600 : maximumEventAgeSeconds;
        }
    }

    /**
     * Lambda's ImageConfig. In a cluster the function container runs {@code entryPoint} with {@code command} as its
     * arguments; where both are known (set here, or an AWS base image's {@code /lambda-entrypoint.sh} with the
     * handler) the runtime's output also passes the shim.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ImageConfig(
            @JsonPropertyDescription("Replaces the image's ENTRYPOINT (at most 1500 strings).")
            @Size(max = 1500) List<@Size(max = 1024) String> entryPoint,
            @JsonPropertyDescription("Replaces the image's CMD (at most 1500 strings).")
            @Size(max = 1500) List<@Size(max = 1024) String> command,
            @JsonPropertyDescription("Replaces the image's WORKDIR.")
            @Size(min = 1, max = 1000) String workingDirectory) {
    }

    /**
     * Lambda's LoggingConfig. The runtime is told the format and application level by Lambda's variables
     * ({@link #variables()}), and its runtime client formats and filters its lines; the platform's own lines follow
     * the format and the system level.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "self.logFormat == 'JSON' || (!has(self.applicationLogLevel) && !has(self.systemLogLevel))",
            message = "applicationLogLevel and systemLogLevel can only be set with logFormat JSON")
    public record LoggingConfig(
            @JsonPropertyDescription("Text (default): Lambda's plain lines (START, END, REPORT). JSON: the runtime writes JSON lines (AWS_LAMBDA_LOG_FORMAT=JSON; Lamina's Node.js and Python clients, AWS's Java client) and the platform writes its events as JSON objects (platform.start, platform.report; platform.runtimeDone at DEBUG).")
            @Pattern("^(Text|JSON)$") @Default("Text") String logFormat,
            @JsonPropertyDescription("With JSON: the lowest level of the function's lines that is kept (TRACE, DEBUG, INFO, WARN, ERROR, FATAL; default INFO), given to the runtime as AWS_LAMBDA_LOG_LEVEL; the runtime client drops lines below it.")
            @Pattern("^(TRACE|DEBUG|INFO|WARN|ERROR|FATAL)$") String applicationLogLevel,
            @JsonPropertyDescription("With JSON: the lowest level of the platform's events that is written (DEBUG, INFO, WARN; default INFO).")
            @Pattern("^(DEBUG|INFO|WARN)$") String systemLogLevel,
            @JsonPropertyDescription("The log group name the function sees (AWS_LAMBDA_LOG_GROUP_NAME, context.logGroupName); default /aws/lambda/<function>. Logs go where the function's log goes either way (the shim's output).")
            @Size(min = 1, max = 512) @Pattern("^[\\.\\-_/#A-Za-z0-9]+$") String logGroup) {

        public LoggingConfig {
            logFormat = logFormat == null ? "Text" : logFormat;
        }

        /**
         * Lambda's variables for it, as a runtime (and a sidecar shim) reads them: {@code AWS_LAMBDA_LOG_FORMAT},
         * {@code AWS_LAMBDA_LOG_LEVEL}, {@code AWS_LAMBDA_LOG_GROUP_NAME}, and the platform's level as
         * {@code LAMINA_SYSTEM_LOG_LEVEL}; only what is set.
         */
        public Map<String, String> variables() {
            Map<String, String> variables = new LinkedHashMap<>();
            variables.put("AWS_LAMBDA_LOG_FORMAT", logFormat);
            if (applicationLogLevel != null) {
                variables.put("AWS_LAMBDA_LOG_LEVEL", applicationLogLevel);
            }
            if (systemLogLevel != null) {
                variables.put("LAMINA_SYSTEM_LOG_LEVEL", systemLogLevel);
            }
            if (logGroup != null) {
                variables.put("AWS_LAMBDA_LOG_GROUP_NAME", logGroup);
            }
            return variables;
        }
    }

    /** {@link LoggingConfig#variables()}; none without a logging configuration. */
    public Map<String, String> loggingVariables() {
        return loggingConfig == null ? Map.of() : loggingConfig.variables();
    }

    /** The spec a version captures: a Function URL belongs to $LATEST or to an alias, never to a version. */
    public FunctionSpec withoutUrl() {
        return new FunctionSpec(image, runtime, code, layers, imageConfig, handler, description, memoryMB,
                timeoutSeconds, ephemeralStorageMB, environment, secretEnvironment, fileSystems, serviceAccountName,
                concurrency, scaling, async, loggingConfig, null, publish, versionHistoryLimit);
    }

    /** The same spec taking its code and layers from other sources (a version's own copies of them). */
    public FunctionSpec withSources(CodeSource code, List<CodeSource> layers) {
        return new FunctionSpec(image, runtime, code, layers, imageConfig, handler, description, memoryMB,
                timeoutSeconds, ephemeralStorageMB, environment, secretEnvironment, fileSystems, serviceAccountName,
                concurrency, scaling, async, loggingConfig, url, publish, versionHistoryLimit);
    }

    /** The same spec running another image (a version's image pinned to its digest). */
    public FunctionSpec withImage(String image) {
        return new FunctionSpec(image, runtime, code, layers, imageConfig, handler, description, memoryMB,
                timeoutSeconds, ephemeralStorageMB, environment, secretEnvironment, fileSystems, serviceAccountName,
                concurrency, scaling, async, loggingConfig, url, publish, versionHistoryLimit);
    }

    /** A Function URL, on $LATEST (a Function's) or on an alias. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "!has(self.multiValueHeaders) || !self.multiValueHeaders || self.payloadFormat == 'alb'",
            message = "multiValueHeaders applies to payloadFormat alb only")
    @ValidationRule(value = "self.invokeMode != 'RESPONSE_STREAM' || self.payloadFormat == '2.0'",
            message = "RESPONSE_STREAM needs payloadFormat 2.0: only Function URL events stream")
    public record FunctionUrl(
            @JsonPropertyDescription("NONE: anyone reaching the gateway may call. KUBERNETES (Lamina's AWS_IAM, reported as AWS_IAM by GetFunctionUrlConfig): the caller sends a Kubernetes bearer token (Authorization: Bearer) that a TokenReview accepts and a SubjectAccessReview allows verb invoke on this function (resource functions.lamina.dev); local mode does not check.")
            @Pattern("^(NONE|KUBERNETES)$") @Default("NONE") String authType,
            @JsonPropertyDescription("BUFFERED (default): the answer is collected, at most 6 MB. RESPONSE_STREAM: the function's streamed response reaches the client as it is written (up to 200 MB), with the HTTP integration prelude (status, headers, cookies) applied.")
            @Pattern("^(BUFFERED|RESPONSE_STREAM)$") @Default("BUFFERED") String invokeMode,
            @JsonPropertyDescription("The event the function receives (a Lamina extension): 2.0 (default, the Function URL and HTTP API format), 1.0 (API Gateway REST proxy) or alb (Application Load Balancer), for functions and adapters written for those callers.")
            @Pattern("^(2\\.0|1\\.0|alb)$") @Default("2.0") String payloadFormat,
            @JsonPropertyDescription("With payloadFormat alb: multiValueHeaders and multiValueQueryStringParameters instead of single values, as the target group attribute lambda.multi_value_headers.enabled does.")
            @Default("false") Boolean multiValueHeaders,
            @JsonPropertyDescription("Cross-origin resource sharing: preflight requests are answered without invoking the function, and CORS headers are added to answers for allowed origins.")
            Cors cors) {

        public FunctionUrl {
            authType = authType == null ? "NONE" : authType;
            invokeMode = invokeMode == null ? "BUFFERED" : invokeMode;
            payloadFormat = payloadFormat == null ? "2.0" : payloadFormat;
            multiValueHeaders = multiValueHeaders != null && multiValueHeaders;
        }
    }

    /** CORS settings of a Function URL, as Lambda's. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Cors(
            @JsonPropertyDescription("Whether to allow cookies or other credentials.") Boolean allowCredentials,
            @JsonPropertyDescription("Allowed request headers.")
            @Size(max = 100) List<@Size(max = 1024) String> allowHeaders,
            @JsonPropertyDescription("Allowed methods (GET, POST, ...), or *.")
            @Size(max = 6) List<@Pattern("^(\\*|GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)$") String> allowMethods,
            @JsonPropertyDescription("Allowed origins (e.g. https://example.com), or *.")
            @Size(max = 100) List<@Size(max = 253) String> allowOrigins,
            @JsonPropertyDescription("Response headers exposed to the browser.")
            @Size(max = 100) List<@Size(max = 1024) String> exposeHeaders,
            @JsonPropertyDescription("Seconds a browser may cache the preflight answer (0-86400).")
            @Min(0) @Max(86400) Integer maxAge) {
    }
}
