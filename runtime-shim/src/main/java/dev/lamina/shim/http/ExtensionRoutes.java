package dev.lamina.shim.http;

import dev.lamina.shim.environment.Environment;
import dev.lamina.shim.extensions.EventRequest;
import dev.lamina.shim.extensions.Extensions;
import dev.lamina.shim.json.Json;
import dev.lamina.shim.telemetry.Telemetry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The Extensions API ({@code /2020-01-01/extension/…}) and the Telemetry API ({@code /2022-07-01/telemetry}) on one
 * Runtime API connection, with Lambda's status codes and error documents.
 */
final class ExtensionRoutes {

    static final String EXTENSION_BASE = "/2020-01-01/extension";
    static final String TELEMETRY_PATH = "/2022-07-01/telemetry";
    private static final String NAME = "Lambda-Extension-Name";
    private static final String IDENTIFIER = "Lambda-Extension-Identifier";
    private static final String EVENT_IDENTIFIER = "Lambda-Extension-Event-Identifier";
    private static final String ACCEPT_FEATURE = "Lambda-Extension-Accept-Feature";
    private static final String ERROR_TYPE = "Lambda-Extension-Function-Error-Type";
    /** Register and subscribe documents are small; Lambda's own limit for them is not documented. */
    private static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final Environment environment;
    /** This connection's {@code event/next} while it waits for an event. */
    private PendingEvent waitingEvent;

    ExtensionRoutes(Environment environment) {
        this.environment = environment;
    }

    /** The connection closed. */
    void inactive() {
        if (waitingEvent != null) {
            environment.extensions().nextGone(waitingEvent.identifier, waitingEvent);
            waitingEvent = null;
        }
    }

    /** The body handler for a request under one of the two APIs' paths. */
    Body route(ChannelHandlerContext ctx, HttpRequest request, String path) {
        HttpMethod method = request.method();
        if (path.equals(TELEMETRY_PATH)) {
            return method.equals(HttpMethod.PUT) ? subscribe(ctx, request) : RuntimeApiHandler.methodNotAllowed(ctx,
                    method, path);
        }
        return switch (path.substring(EXTENSION_BASE.length())) {
            case "/register" -> method.equals(HttpMethod.POST) ? register(ctx, request)
                    : RuntimeApiHandler.methodNotAllowed(ctx, method, path);
            case "/event/next" -> method.equals(HttpMethod.GET) ? next(ctx, request)
                    : RuntimeApiHandler.methodNotAllowed(ctx, method, path);
            case "/init/error" -> method.equals(HttpMethod.POST) ? reportedError(ctx, request, true)
                    : RuntimeApiHandler.methodNotAllowed(ctx, method, path);
            case "/exit/error" -> method.equals(HttpMethod.POST) ? reportedError(ctx, request, false)
                    : RuntimeApiHandler.methodNotAllowed(ctx, method, path);
            default -> Body.ignored(() -> Responses.apiError(ctx, HttpResponseStatus.NOT_FOUND,
                    "No Extensions API resource at " + path, "NotFound"));
        };
    }

    private Body register(ChannelHandlerContext ctx, HttpRequest request) {
        String name = request.headers().get(NAME);
        boolean accountId = request.headers().getAll(ACCEPT_FEATURE).stream()
                .anyMatch(features -> List.of(features.split(",")).stream().anyMatch(f -> f.strip().equals("accountId")));
        return new BufferedBody(ctx.alloc(), MAX_REQUEST_BYTES, (body, overflow, trailers) -> {
            List<String> events;
            try {
                events = events(overflow ? null : bytes(body));
            } catch (IllegalArgumentException invalid) {
                refuse(ctx, new Extensions.Refusal("InvalidRequestFormat", invalid.getMessage()));
                return;
            }
            Extensions.Registration registration = environment.extensions().register(name, events, accountId);
            if (registration.refusal() != null) {
                refuse(ctx, registration.refusal());
                return;
            }
            FullHttpResponse response = Responses.full(HttpResponseStatus.OK, Responses.JSON,
                    Unpooled.wrappedBuffer(registration.body()));
            response.headers().set(IDENTIFIER, registration.id());
            ctx.writeAndFlush(response);
        });
    }

    /** The {@code events} of a register document; an empty document registers for none. */
    private static List<String> events(byte[] document) {
        if (document == null) {
            throw new IllegalArgumentException("the register document is too large");
        }
        if (document.length == 0) {
            return List.of();
        }
        if (!(Json.parse(document) instanceof Map<?, ?> register)) {
            throw new IllegalArgumentException("the register document must be a JSON object");
        }
        if (register.get("configurationKeys") instanceof List<?> keys && !keys.isEmpty()) {
            throw new IllegalArgumentException("configurationKeys are deprecated; use environment variables instead");
        }
        Object events = register.get("events");
        List<String> names = new ArrayList<>();
        if (events == null) {
            return names;
        }
        if (!(events instanceof List<?> list)) {
            throw new IllegalArgumentException("events must be an array of strings");
        }
        for (Object event : list) {
            if (!(event instanceof String eventName)) {
                throw new IllegalArgumentException("events must be an array of strings");
            }
            names.add(eventName);
        }
        return names;
    }

    private Body next(ChannelHandlerContext ctx, HttpRequest request) {
        String identifier = request.headers().get(IDENTIFIER);
        return Body.ignored(() -> {
            Extensions.Refusal refusal = Extensions.checkIdentifier(identifier);
            if (refusal != null) {
                refuse(ctx, refusal);
                return;
            }
            PendingEvent pending = new PendingEvent(ctx.channel(), identifier);
            waitingEvent = pending;
            refusal = environment.extensions().next(identifier, pending);
            if (refusal != null) {
                waitingEvent = null;
                refuse(ctx, refusal);
            }
        });
    }

    private Body reportedError(ChannelHandlerContext ctx, HttpRequest request, boolean init) {
        String identifier = request.headers().get(IDENTIFIER);
        String errorType = request.headers().get(ERROR_TYPE);
        return Body.ignored(() -> {
            Extensions.Refusal refusal = Extensions.checkIdentifier(identifier);
            if (refusal == null && (errorType == null || errorType.isBlank())) {
                refusal = new Extensions.Refusal("Extension.MissingHeader", ERROR_TYPE + " not found");
            }
            if (refusal == null) {
                refusal = init ? environment.extensions().initError(identifier, errorType)
                        : environment.extensions().exitError(identifier, errorType);
            }
            if (refusal != null) {
                refuse(ctx, refusal);
            } else {
                RuntimeApiHandler.accepted(ctx);
            }
        });
    }

    private Body subscribe(ChannelHandlerContext ctx, HttpRequest request) {
        String identifier = request.headers().get(IDENTIFIER);
        return new BufferedBody(ctx.alloc(), MAX_REQUEST_BYTES, (body, overflow, trailers) -> {
            byte[] document = overflow ? null : bytes(body);
            Extensions.Refusal refusal = Extensions.checkIdentifier(identifier);
            String name = refusal == null ? environment.extensions().nameOf(identifier) : null;
            if (refusal == null && name == null) {
                refusal = new Extensions.Refusal("Extension.UnknownExtensionIdentifier",
                        "Unknown extension " + identifier);
            }
            if (refusal != null) {
                refuse(ctx, refusal);
                return;
            }
            Telemetry.Refusal invalid = document == null
                    ? new Telemetry.Refusal("ValidationError", "the subscription document is too large")
                    : environment.telemetry().subscribe(name, document);
            if (invalid != null) {
                Responses.apiError(ctx, HttpResponseStatus.BAD_REQUEST, invalid.errorMessage(), invalid.errorType());
            } else {
                Responses.json(ctx, HttpResponseStatus.OK, "\"OK\"".getBytes(StandardCharsets.UTF_8));
            }
        });
    }

    private static void refuse(ChannelHandlerContext ctx, Extensions.Refusal refusal) {
        Responses.apiError(ctx, HttpResponseStatus.FORBIDDEN, refusal.errorMessage(), refusal.errorType());
    }

    private static byte[] bytes(ByteBuf body) {
        try {
            return ByteBufUtil.getBytes(body);
        } finally {
            body.release();
        }
    }

    /** An {@code event/next} waiting on this connection. */
    private final class PendingEvent implements EventRequest {
        private final Channel channel;
        private final String identifier;

        PendingEvent(Channel channel, String identifier) {
            this.channel = channel;
            this.identifier = identifier;
        }

        @Override
        public boolean active() {
            return channel.isActive();
        }

        @Override
        public void deliver(byte[] event) {
            if (waitingEvent == this) {
                waitingEvent = null;
            }
            FullHttpResponse response = Responses.full(HttpResponseStatus.OK, Responses.JSON,
                    Unpooled.wrappedBuffer(event));
            response.headers().set(EVENT_IDENTIFIER, UUID.randomUUID().toString());
            channel.writeAndFlush(response);
        }
    }
}
