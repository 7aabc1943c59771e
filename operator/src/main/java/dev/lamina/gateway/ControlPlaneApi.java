package dev.lamina.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lamina.api.FunctionSpec;
import dev.lamina.shim.logs.LoggingConfig;
import dev.lamina.urls.FunctionUrls;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The read-only control-plane calls tools reach for, in AWS's JSON shapes: GetFunction, GetFunctionConfiguration,
 * ListFunctions, ListVersionsByFunction, ListAliases, GetAlias, GetFunctionUrlConfig and ListFunctionUrlConfigs (with
 * Lambda's Marker/MaxItems paging).
 */
@ApplicationScoped
public class ControlPlaneApi {

    private static final String BASE = "/2015-03-31/functions";
    private static final String URL_CONFIGS = "/2021-10-31/functions";
    private static final DateTimeFormatter LAST_MODIFIED =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Catalog catalog;
    private final CallerCheck callers;
    private final GatewayConfig config;
    private final Arns arns;

    public ControlPlaneApi(Catalog catalog, CallerCheck callers, GatewayConfig config, Accounts accounts) {
        this.catalog = catalog;
        this.callers = callers;
        this.config = config;
        this.arns = new Arns(config.region(), accounts);
    }

    void routes(@Observes Router router) {
        router.get(BASE).handler(this::listFunctions);
        router.get(BASE + "/").handler(this::listFunctions);
        router.get(BASE + "/:name").handler(this::getFunction);
        router.get(BASE + "/:name/configuration").handler(this::getFunctionConfiguration);
        router.get(BASE + "/:name/versions").handler(this::listVersions);
        router.get(BASE + "/:name/aliases").handler(this::listAliases);
        router.get(BASE + "/:name/aliases/:alias").handler(this::getAlias);
        router.get(URL_CONFIGS + "/:name/url").handler(this::getFunctionUrlConfig);
        router.get(URL_CONFIGS + "/:name/urls").handler(this::listFunctionUrlConfigs);
    }

    private void listFunctions(RoutingContext ctx) {
        CallerCheck.proceed(ctx, callers.list(ctx.request().getHeader(HttpHeaders.AUTHORIZATION)), namespace -> {
            List<ObjectNode> all = catalog.list(namespace).stream()
                    .map(f -> configuration(f, f.latest(), false)).toList();
            page(ctx, "Functions", all);
        });
    }

    private void getFunction(RoutingContext ctx) {
        withVersion(ctx, (function, version) -> {
            ObjectNode body = JSON.createObjectNode();
            body.set("Configuration", configuration(function, version, ctx.request().getParam("Qualifier") != null));
            ObjectNode code = body.putObject("Code");
            FunctionSpec spec = version.info().spec();
            if (spec.image() != null) {
                code.put("RepositoryType", "ECR").put("ImageUri", spec.image()).put("ResolvedImageUri", spec.image());
            } else {
                code.put("RepositoryType", "S3").put("Location", version.info().codeLocation());
            }
            if (spec.concurrency().reserved() != null) {
                body.putObject("Concurrency").put("ReservedConcurrentExecutions", spec.concurrency().reserved());
            }
            body.putObject("Tags");
            return body;
        });
    }

    private void getFunctionConfiguration(RoutingContext ctx) {
        withVersion(ctx, (function, version) ->
                configuration(function, version, ctx.request().getParam("Qualifier") != null));
    }

    private void listVersions(RoutingContext ctx) {
        withFunction(ctx, function -> {
            List<ObjectNode> all = new ArrayList<>();
            all.add(configuration(function, function.latest(), true));
            function.versions().values().forEach(v -> all.add(configuration(function, v, true)));
            page(ctx, "Versions", all);
        });
    }

    private void listAliases(RoutingContext ctx) {
        withFunction(ctx, function -> {
            String version = ctx.request().getParam("FunctionVersion");
            List<ObjectNode> all = function.aliases().values().stream()
                    .filter(a -> version == null || a.primary().version().equals(version))
                    .sorted(Comparator.comparing(AliasRoute::name))
                    .map(a -> alias(function, a)).toList();
            page(ctx, "Aliases", all);
        });
    }

    private void getAlias(RoutingContext ctx) {
        withFunction(ctx, function -> {
            AliasRoute alias = function.aliases().get(ctx.pathParam("alias"));
            if (alias == null) {
                notFound(ctx, "Cannot find alias arn: "
                        + arns.function(function.namespace(), function.name(), ctx.pathParam("alias")));
            } else {
                ok(ctx, alias(function, alias));
            }
        });
    }

    private void getFunctionUrlConfig(RoutingContext ctx) {
        withFunction(ctx, function -> {
            String qualifier = ctx.request().getParam("Qualifier");
            String alias = qualifier == null || qualifier.equals("$LATEST") ? null : qualifier;
            function.urls().stream().filter(u -> Objects.equals(u.alias(), alias)).findFirst().ifPresentOrElse(
                    url -> ok(ctx, urlConfig(ctx, url)),
                    () -> notFound(ctx, "The resource you requested does not exist."));
        });
    }

    private void listFunctionUrlConfigs(RoutingContext ctx) {
        withFunction(ctx, function -> page(ctx, "FunctionUrlConfigs",
                function.urls().stream().map(url -> urlConfig(ctx, url)).toList()));
    }

    /**
     * A FunctionUrlConfig. Its URL is host-based when the gateway has a URL domain, else path-based on the address
     * the caller reached this API by. KUBERNETES auth is reported as AWS_IAM, the Lambda API's name for URLs that
     * need an authenticated caller.
     */
    private ObjectNode urlConfig(RoutingContext ctx, UrlTarget url) {
        FunctionSpec.FunctionUrl settings = url.settings();
        ObjectNode c = JSON.createObjectNode();
        String base = ctx.request().scheme() + "://" + ctx.request().authority();
        c.put("FunctionUrl", FunctionUrls.address(base, config.urlDomain(), url.id()));
        c.put("FunctionArn", arns.function(url.function().namespace(), url.function().name(), url.alias()));
        c.put("AuthType", settings.authType().equals("NONE") ? "NONE" : "AWS_IAM");
        if (settings.cors() != null) {
            FunctionSpec.Cors cors = settings.cors();
            ObjectNode o = c.putObject("Cors");
            if (cors.allowCredentials() != null) {
                o.put("AllowCredentials", cors.allowCredentials());
            }
            strings(o, "AllowHeaders", cors.allowHeaders());
            strings(o, "AllowMethods", cors.allowMethods());
            strings(o, "AllowOrigins", cors.allowOrigins());
            strings(o, "ExposeHeaders", cors.exposeHeaders());
            if (cors.maxAge() != null) {
                o.put("MaxAge", cors.maxAge());
            }
        }
        String since = DateTimeFormatter.ISO_INSTANT.format(catalog.servedSince(url.id()));
        c.put("CreationTime", since);
        c.put("LastModifiedTime", since);
        c.put("InvokeMode", settings.invokeMode());
        return c;
    }

    private static void strings(ObjectNode node, String field, List<String> values) {
        if (values != null) {
            values.forEach(node.putArray(field)::add);
        }
    }

    private void withFunction(RoutingContext ctx, Consumer<FunctionEntry> then) {
        withAddressed(ctx, null, (plain, address, function) -> {
            if (function == null) {
                notFound(ctx, "Function not found: " + arns.named(address, plain, null));
            } else {
                then.accept(function);
            }
        });
    }

    private void withVersion(RoutingContext ctx, BiFunction<FunctionEntry, DeployedVersion, ObjectNode> body) {
        withAddressed(ctx, ctx.request().getParam("Qualifier"), (plain, address, function) -> {
            String qualifier = address.qualifier();
            DeployedVersion version = function == null ? null : versionOrAliasTarget(function, qualifier);
            if (version == null) {
                notFound(ctx, "Function not found: " + arns.named(address, plain, qualifier));
            } else {
                ok(ctx, body.apply(function, version));
            }
        });
    }

    /** What a read's address names (the function, or null), once the caller may read it and the address is valid. */
    private void withAddressed(RoutingContext ctx, String qualifier, Addressed then) {
        String name = ctx.pathParam("name");
        CallerCheck.proceed(ctx, callers.read(ctx.request().getHeader(HttpHeaders.AUTHORIZATION), name), plain -> {
            FunctionAddress address;
            try {
                address = FunctionAddress.parse(name, qualifier);
            } catch (FunctionAddress.InvalidAddress e) {
                ErrorBodies.write(ctx.response(), RequestIds.next(), ServiceError.invalidParameter(e.getMessage()));
                return;
            }
            then.accept(plain, address, catalog.find(plain, address));
        });
    }

    private interface Addressed {
        void accept(String plainNamespace, FunctionAddress address, FunctionEntry function);
    }

    /** Like resolving an invocation, except an alias always means its primary version. */
    private static DeployedVersion versionOrAliasTarget(FunctionEntry function, String qualifier) {
        AliasRoute alias = qualifier == null ? null : function.aliases().get(qualifier);
        return alias != null ? alias.primary() : function.resolve(qualifier);
    }

    private ObjectNode configuration(FunctionEntry function, DeployedVersion version, boolean qualifiedArn) {
        VersionInfo info = version.info();
        FunctionSpec spec = info.spec();
        ObjectNode c = JSON.createObjectNode();
        c.put("FunctionName", function.name());
        c.put("FunctionArn", arns.function(function.namespace(), function.name(),
                qualifiedArn || !info.version().equals("$LATEST") ? info.version() : null));
        if (spec.runtime() != null) {
            c.put("Runtime", spec.runtime());
        }
        c.put("Role", arns.role(function.namespace(),
                spec.serviceAccountName() == null ? "default" : spec.serviceAccountName()));
        if (spec.handler() != null) {
            c.put("Handler", spec.handler());
        }
        c.put("CodeSize", info.codeSize());
        c.put("Description", spec.description() == null ? "" : spec.description());
        c.put("Timeout", spec.timeoutSeconds());
        c.put("MemorySize", spec.memoryMB());
        c.put("LastModified", LAST_MODIFIED.format(info.lastModified()));
        c.put("CodeSha256", info.codeSha256());
        c.put("Version", info.version());
        if (spec.environment() != null && !spec.environment().isEmpty()) {
            ObjectNode variables = c.putObject("Environment").putObject("Variables");
            spec.environment().forEach(variables::put);
        }
        c.putObject("TracingConfig").put("Mode", "PassThrough");
        c.put("RevisionId", revisionId(info.configSha256()));
        VersionState state = info.state();
        c.put("State", state.state());
        if (!state.active()) {
            c.put("StateReason", state.reason());
            c.put("StateReasonCode", state.reasonCode());
        }
        if (function.failedUpdate() != null && version == function.latest()) {
            c.put("LastUpdateStatus", "Failed");
            c.put("LastUpdateStatusReason", function.failedUpdate());
            c.put("LastUpdateStatusReasonCode", "InvalidConfiguration");
        } else {
            c.put("LastUpdateStatus", "Successful");
        }
        c.put("PackageType", spec.image() != null ? "Image" : "Zip");
        if (spec.image() != null) {
            ObjectNode imageConfig = c.putObject("ImageConfigResponse").putObject("ImageConfig");
            FunctionSpec.ImageConfig declared = spec.imageConfig();
            if (declared != null) {
                if (declared.entryPoint() != null) {
                    declared.entryPoint().forEach(imageConfig.putArray("EntryPoint")::add);
                }
                if (declared.command() != null) {
                    declared.command().forEach(imageConfig.putArray("Command")::add);
                }
                if (declared.workingDirectory() != null) {
                    imageConfig.put("WorkingDirectory", declared.workingDirectory());
                }
            }
        }
        ArrayNode architectures = c.putArray("Architectures");
        architectures.add("x86_64");
        c.putObject("EphemeralStorage").put("Size", spec.ephemeralStorageMB());
        c.putObject("SnapStart").put("ApplyOn", "None").put("OptimizationStatus", "Off");
        LoggingConfig logging = LoggingConfig.fromVariables(spec.loggingVariables());
        ObjectNode loggingConfig = c.putObject("LoggingConfig").put("LogFormat", logging.json() ? "JSON" : "Text");
        if (logging.json()) {
            loggingConfig.put("ApplicationLogLevel", logging.applicationLogLevel())
                    .put("SystemLogLevel", logging.systemLogLevel().name());
        }
        loggingConfig.put("LogGroup", logging.logGroup(function.name()));
        return c;
    }

    private ObjectNode alias(FunctionEntry function, AliasRoute alias) {
        ObjectNode a = JSON.createObjectNode();
        a.put("AliasArn", arns.function(function.namespace(), function.name(), alias.name()));
        a.put("Name", alias.name());
        a.put("FunctionVersion", alias.primary().version());
        a.put("Description", alias.spec().description() == null ? "" : alias.spec().description());
        if (alias.additional() != null) {
            a.putObject("RoutingConfig").putObject("AdditionalVersionWeights")
                    .put(alias.additional().version(), alias.additionalWeight());
        }
        a.put("RevisionId", revisionId(alias.primary().info().configSha256() + alias.name()
                + (alias.additional() == null ? "" : alias.additional().version() + alias.additionalWeight())));
        return a;
    }

    /** Lambda's Marker / MaxItems paging over a list already in order. */
    private void page(RoutingContext ctx, String field, List<ObjectNode> all) {
        int from;
        int max;
        try {
            String marker = ctx.request().getParam("Marker");
            from = marker == null ? 0 : Integer.parseInt(marker);
            String maxItems = ctx.request().getParam("MaxItems");
            max = maxItems == null ? 50 : Integer.parseInt(maxItems);
        } catch (NumberFormatException e) {
            ErrorBodies.write(ctx.response(), RequestIds.next(),
                    ServiceError.invalidParameter("Marker and MaxItems must be numbers as returned by this API."));
            return;
        }
        if (from < 0 || max < 1 || max > 10000) {
            ErrorBodies.write(ctx.response(), RequestIds.next(),
                    ServiceError.invalidParameter("MaxItems must be between 1 and 10000 and Marker not negative."));
            return;
        }
        int to = Math.min(all.size(), from + max);
        ObjectNode body = JSON.createObjectNode();
        ArrayNode items = body.putArray(field);
        if (from < all.size()) {
            items.addAll(all.subList(from, to));
        }
        if (to < all.size()) {
            body.put("NextMarker", Integer.toString(to));
        }
        ok(ctx, body);
    }

    private static String revisionId(String seed) {
        return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static void ok(RoutingContext ctx, ObjectNode body) {
        try {
            ctx.response().putHeader("Content-Type", "application/json")
                    .putHeader(InvokeHeaders.AMZN_REQUEST_ID, RequestIds.next())
                    .end(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            ctx.fail(e);
        }
    }

    private void notFound(RoutingContext ctx, String message) {
        ErrorBodies.write(ctx.response(), RequestIds.next(), ServiceError.notFound(message));
    }
}
