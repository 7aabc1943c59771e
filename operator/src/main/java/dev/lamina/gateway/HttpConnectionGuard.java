package dev.lamina.gateway;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.quarkus.vertx.http.HttpServerStart;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.impl.TCPServerBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Puts a {@link GuardedConnection} with a {@link StrictRequestDecoder} on every connection of the gateway's HTTP
 * server, whatever door (route) its requests go to: local mode and a cluster's gateway run this same server.
 * <p>
 * Quarkus offers no hook on the server's connections (its HTTP/1.1 pipeline is built by Vert.x when a connection is
 * accepted), so the guard goes one step earlier: onto the server's listening channel, where each accepted connection
 * passes before Vert.x sets it up, and from there onto the connection once Vert.x is done. The listening channel is
 * the one thing not reachable by public API (a private field of Vert.x's server); should a Vert.x upgrade move it,
 * an error is logged at start and the tests of the guards fail. Connections accepted in the moment between the server
 * listening and the start event are not guarded.
 */
@ApplicationScoped
public class HttpConnectionGuard implements HttpServerOptionsCustomizer {

    private static final String DECODER = "httpDecoder";
    private static final String ENCODER = "httpEncoder";
    private static final String GUARD = "laminaGuard";
    private static final Logger LOG = Logger.getLogger(HttpConnectionGuard.class);

    private final GatewayConfig.Http limits;
    private final Vertx vertx;
    /** Connections of the server waiting for a request's headers. */
    private final AtomicInteger awaitingHeaders = new AtomicInteger();
    private volatile HttpServerOptions options;
    private volatile boolean warnedUnguarded;

    public HttpConnectionGuard(GatewayConfig config, Vertx vertx) {
        this.limits = config.http();
        this.vertx = vertx;
    }

    /** The settings the server is created with, which the stricter decoder keeps (line and header size limits). */
    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        if (options.isHttp2ClearTextEnabled()) {
            throw new IllegalStateException("The gateway's connections are guarded for HTTP/1.1 only:"
                    + " keep quarkus.http.http2=false");
        }
        this.options = new HttpServerOptions(options);
    }

    /** Once the server listens (the event comes once, whatever the number of event loops serving it). */
    void install(@ObservesAsync HttpServerStart started) {
        var servers = ((VertxInternal) vertx).sharedTCPServers(HttpServerImpl.class).values();
        if (servers.isEmpty()) {
            LOG.error("The HTTP server's connections are not guarded: no listening server found");
        }
        for (HttpServerImpl server : servers) {
            listeningChannel(server).onSuccess(channel -> channel.pipeline().addFirst(new Acceptor()));
        }
    }

    @SuppressWarnings("unchecked")
    private static Future<Channel> listeningChannel(TCPServerBase server) {
        try {
            Field bind = TCPServerBase.class.getDeclaredField("bindFuture");
            bind.setAccessible(true);
            return (Future<Channel>) bind.get(server);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.error("The HTTP server's connections are not guarded: its listening channel is out of reach", e);
            return Future.failedFuture(e);
        }
    }

    /** On the listening channel: marks each accepted connection, before Vert.x sets it up. */
    @ChannelHandler.Sharable
    private final class Acceptor extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object accepted) {
            if (accepted instanceof Channel connection) {
                connection.pipeline().addFirst(new Setup());
            }
            ctx.fireChannelRead(accepted);
        }
    }

    /** First on a new connection: once Vert.x has built its HTTP/1.1 pipeline, swaps the decoder and adds the guard. */
    private final class Setup extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            ChannelPipeline pipeline = ctx.pipeline();
            if (pipeline.get(DECODER) != null && pipeline.get(ENCODER) != null) {
                pipeline.replace(DECODER, DECODER, new StrictRequestDecoder(options));
                pipeline.addAfter(ENCODER, GUARD, new GuardedConnection(limits, awaitingHeaders));
            } else if (!warnedUnguarded) {
                warnedUnguarded = true;
                LOG.warn("A connection that is not plain HTTP/1.1 (TLS?) is served without header and body deadlines");
            }
            ctx.fireChannelActive();
            pipeline.remove(this);
        }
    }
}
