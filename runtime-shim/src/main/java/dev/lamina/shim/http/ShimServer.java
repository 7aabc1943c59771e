package dev.lamina.shim.http;

import dev.lamina.shim.ShimConfig;
import dev.lamina.shim.environment.Environment;
import dev.lamina.shim.logs.FunctionLog;
import dev.lamina.shim.metrics.ShimMetrics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The shim's two HTTP servers on one single-threaded event loop: the invoke endpoint and the Runtime API. One thread
 * is enough (the work per request is tiny) and keeps the environment's state free of locks. The loop is the shim's
 * own, or a host's (an embedding process's NIO event loop, shared with its other work; the shim never stops it).
 */
public final class ShimServer implements AutoCloseable {

    private final EventLoop loop;
    private final boolean ownLoop;
    private final Environment environment;
    private final Channel invokeChannel;
    private final Channel runtimeApiChannel;

    private ShimServer(EventLoop loop, boolean ownLoop, Environment environment, Channel invokeChannel,
                       Channel runtimeApiChannel) {
        this.loop = loop;
        this.ownLoop = ownLoop;
        this.environment = environment;
        this.invokeChannel = invokeChannel;
        this.runtimeApiChannel = runtimeApiChannel;
    }

    /** Binds both servers on a loop of the shim's own, then starts the first runtime generation. */
    public static ShimServer start(ShimConfig config) throws InterruptedException {
        EventLoop own = new NioEventLoopGroup(1, new DefaultThreadFactory("lamina-shim-" + config.functionName(),
                true)).next();
        return start(config, own, true);
    }

    /** Binds both servers on a host's NIO event loop, then starts the first runtime generation. */
    public static ShimServer start(ShimConfig config, EventLoop hostLoop) throws InterruptedException {
        if (!(hostLoop instanceof NioEventLoop)) {
            throw new IllegalArgumentException("the shim runs on NIO event loops, not on " + hostLoop.getClass());
        }
        return start(config, hostLoop, false);
    }

    private static ShimServer start(ShimConfig config, EventLoop loop, boolean ownLoop) throws InterruptedException {
        try {
            ChannelGroup runtimeConnections = new DefaultChannelGroup(loop);
            FunctionLog log = new FunctionLog(config.logSink());
            ShimMetrics metrics = new ShimMetrics(config.functionName(), config.functionVersion(),
                    config.concurrency());
            CompletableFuture<Integer> runtimeApiPort = new CompletableFuture<>();
            Environment environment = new Environment(config, loop, runtimeConnections, log, metrics,
                    runtimeApiPort::join);
            // A sidecar's runtime may already be waiting to connect: the environment must expect it before the
            // Runtime API accepts. A child runtime needs the Runtime API's port before it can be started.
            if (config.sidecar()) {
                loop.submit(environment::start).sync();
            }
            Channel runtimeApi = bind(loop, "127.0.0.1", config.runtimeApiPort(), () -> new RuntimeApiHandler(
                    environment), runtimeConnections);
            runtimeApiPort.complete(((InetSocketAddress) runtimeApi.localAddress()).getPort());
            Channel invoke = bind(loop, config.invokeHost(), config.invokePort(),
                    () -> new InvokeHandler(config, environment, metrics), null);
            if (!config.sidecar()) {
                loop.submit(environment::start).sync();
            }
            return new ShimServer(loop, ownLoop, environment, invoke, runtimeApi);
        } catch (InterruptedException | RuntimeException failure) {
            if (ownLoop) {
                loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            }
            throw failure;
        }
    }

    private static Channel bind(EventLoop loop, String host, int port, Supplier<ChannelHandler> handler,
                                ChannelGroup connections) throws InterruptedException {
        return new ServerBootstrap()
                .group(loop)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (connections != null) {
                            connections.add(channel);
                        }
                        channel.pipeline()
                                .addLast(new HttpServerCodec(4096, 16 * 1024, 64 * 1024))
                                .addLast(new QuickAck())
                                .addLast(new HttpServerKeepAliveHandler())
                                .addLast(new HttpServerExpectContinueHandler())
                                .addLast(handler.get());
                    }
                })
                .bind(host, port)
                .sync()
                .channel();
    }

    public EventLoop loop() {
        return loop;
    }

    public Environment environment() {
        return environment;
    }

    public InetSocketAddress invokeAddress() {
        return (InetSocketAddress) invokeChannel.localAddress();
    }

    public InetSocketAddress runtimeApiAddress() {
        return (InetSocketAddress) runtimeApiChannel.localAddress();
    }

    /**
     * Answers what is still open, kills the runtime and stops both servers. On a host's loop that has stopped
     * already, only the runtime is left to kill: the servers' channels went with the loop.
     */
    @Override
    public void close() {
        boolean loopRunning = onLoop(environment::close);
        environment.closeRuntime();
        if (loopRunning) {
            onLoop(() -> {
                invokeChannel.close();
                runtimeApiChannel.close();
            });
        }
        if (ownLoop) {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Runs the task on the loop and waits for it; false when the loop no longer runs tasks. */
    private boolean onLoop(Runnable task) {
        try {
            loop.submit(task).syncUninterruptibly();
            return true;
        } catch (RejectedExecutionException stopped) {
            return false;
        }
    }
}
