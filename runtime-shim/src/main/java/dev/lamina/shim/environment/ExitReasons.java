package dev.lamina.shim.environment;

import java.util.Map;

/**
 * Lambda's words for how a runtime process ended: {@code Runtime exited without providing a reason} (status 0, or an
 * end the shim cannot see the status of), {@code Runtime exited with error: exit status 1}, {@code … signal: killed}.
 */
public final class ExitReasons {

    static final String NO_REASON = "Runtime exited without providing a reason";
    /** What Lambda says of a runtime the kernel killed, as it does one out of memory. */
    static final String KILLED = error("signal: killed");

    private static final Map<Integer, String> SIGNALS = Map.ofEntries(
            Map.entry(1, "hangup"), Map.entry(2, "interrupt"), Map.entry(3, "quit"),
            Map.entry(4, "illegal instruction"), Map.entry(6, "aborted"), Map.entry(7, "bus error"),
            Map.entry(8, "floating point exception"), Map.entry(9, "killed"), Map.entry(11, "segmentation fault"),
            Map.entry(13, "broken pipe"), Map.entry(15, "terminated"));

    private ExitReasons() {
    }

    /** The JDK reports a process killed by signal N as exit value 128 + N. */
    public static String describe(int exitValue) {
        if (exitValue == 0) {
            return NO_REASON;
        }
        if (exitValue > 128 && exitValue < 160) {
            int signal = exitValue - 128;
            return error("signal: " + SIGNALS.getOrDefault(signal, "signal " + signal));
        }
        return error("exit status " + exitValue);
    }

    static String error(String detail) {
        return "Runtime exited with error: " + detail;
    }
}
