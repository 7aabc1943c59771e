package dev.lamina.gateway;

import dev.lamina.scaling.ConcurrencyLimits;
import dev.lamina.scaling.ShareKey;
import dev.lamina.scaling.ShareUse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code PUT /lamina/v1/shares}: the controller gives this replica its shares of the shared concurrency limits
 * ({@code {"validForMillis": 5000, "shares": {"ns/function": 25, "ns": 400}}}; {@code "shares": null} changes
 * nothing) and gets back what this replica runs with them in force ({@code {"uses": [...]}}, see {@link ShareUse}).
 * Answers 409 where the limits are counted whole (one gateway, local mode), and 403 to a caller that is not one of
 * the gateway's replicas (the Lease holder is one): shares decide how much a replica admits.
 */
@ApplicationScoped
public class SharesApi {

    public static final String PATH = "/lamina/v1/shares";
    private static final int MAX_BODY = 1 << 20;

    private final ConcurrencyLimits limits;
    private volatile Predicate<String> callers = address -> false;

    public SharesApi(ConcurrencyLimits limits) {
        this.limits = limits;
    }

    /** Who may exchange shares with this replica, by remote address; nobody until the mode says. */
    public void acceptFrom(Predicate<String> callers) {
        this.callers = callers;
    }

    public void routes(@Observes Router router) {
        router.put(PATH).handler(this::exchange);
    }

    private void exchange(RoutingContext ctx) {
        // Read whole before any answer, so the connection stays usable whatever the answer.
        BodyReader.read(ctx.request(), MAX_BODY, body -> {
            if (!limits.shared()) {
                ctx.response().setStatusCode(409).end();
                return;
            }
            if (ctx.request().remoteAddress() == null
                    || !callers.test(ctx.request().remoteAddress().hostAddress())) {
                ctx.response().setStatusCode(403).end();
                return;
            }
            if (body == null) {
                ctx.response().setStatusCode(413).end();
                return;
            }
            List<ShareUse> uses;
            try {
                JsonObject request = body.toJsonObject();
                JsonObject shares = request.getJsonObject("shares");
                uses = shares == null ? limits.uses() : limits.grant(parse(shares),
                        TimeUnit.MILLISECONDS.toNanos(request.getLong("validForMillis")));
            } catch (RuntimeException malformed) {
                ctx.response().setStatusCode(400).end(String.valueOf(malformed.getMessage()));
                return;
            }
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(usesJson(uses).encode());
        });
    }

    private static Map<ShareKey, Integer> parse(JsonObject shares) {
        Map<ShareKey, Integer> parsed = new HashMap<>();
        shares.forEach(e -> parsed.put(ShareKey.parse(e.getKey()), ((Number) e.getValue()).intValue()));
        return parsed;
    }

    /** The request body the controller sends. */
    public static JsonObject request(Map<ShareKey, Integer> shares, long validNanos) {
        JsonObject body = new JsonObject().put("validForMillis", TimeUnit.NANOSECONDS.toMillis(validNanos));
        if (shares == null) {
            return body.putNull("shares");
        }
        JsonObject byKey = new JsonObject();
        shares.forEach((key, share) -> byKey.put(key.toString(), share));
        return body.put("shares", byKey);
    }

    public static JsonObject usesJson(List<ShareUse> uses) {
        JsonArray array = new JsonArray();
        uses.forEach(u -> array.add(new JsonObject().put("key", u.key().toString()).put("limit", u.limit())
                .put("share", u.share()).put("inFlight", u.inFlight()).put("wanted", u.wanted())));
        return new JsonObject().put("uses", array);
    }

    public static List<ShareUse> parseUses(JsonObject answer) {
        return answer.getJsonArray("uses").stream().map(JsonObject.class::cast)
                .map(u -> new ShareUse(ShareKey.parse(u.getString("key")), u.getInteger("limit"),
                        u.getInteger("share"), u.getInteger("inFlight"), u.getInteger("wanted")))
                .toList();
    }
}
