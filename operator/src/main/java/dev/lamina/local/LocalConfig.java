package dev.lamina.local;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Local mode's settings ({@code lamina.local.*}); the {@code local} command sets them. */
@ConfigMapping(prefix = "lamina.local")
public interface LocalConfig {

    /** The directory of resource YAML to serve; local mode is on when set. */
    Optional<Path> dir();

    /**
     * Where local mode keeps what must outlive a restart besides the async queue (the fired ticks of schedules).
     * Default: {@code .lamina} in the directory.
     */
    Optional<Path> stateDir();

    /**
     * Where the files of {@code fileSystems} live: {@code <dir>/<claimName>/<path>}, reached by the functions at their
     * mount path through a symbolic link. Default: {@code filesystems} in the state directory.
     */
    Optional<Path> fileSystemsDir();

    /** How often the directory (and code it points at) is checked for edits. */
    @WithDefault("1s")
    Duration pollInterval();

    /** Print the functions' log lines (START/END/REPORT included) to this process's output. */
    @WithDefault("true")
    boolean functionLogs();

    /**
     * The jars of the AWS Java runtime interface client that Java functions run under. Default: the
     * {@code lambda-runtime/java} directory the build puts next to the application.
     */
    Optional<Path> javaRuntimeDir();
}
