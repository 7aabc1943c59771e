package dev.lamina.bench;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A standard HTTP load generator, run as its own process: closed loop, {@code POST {}} over keep-alive connections
 * for a number of seconds. What it printed is parsed into a {@link LoadResult}, with the CPU time it spent.
 */
sealed interface LoadClient permits LoadClient.Hey, LoadClient.Wrk {

    List<String> command(URI url, int connections, int seconds);

    LoadResult parse(String output);

    /** {@code hey} or {@code wrk} from the PATH; wrk's request script is written into {@code work}. */
    static LoadClient find(String name, Path work) throws IOException {
        Path binary = onPath(name);
        return switch (name) {
            case "hey" -> new Hey(binary);
            case "wrk" -> {
                Path script = work.resolve("post.lua");
                Files.writeString(script, """
                        wrk.method = "POST"
                        wrk.body = "{}"
                        wrk.headers["Content-Type"] = "application/json"
                        """);
                yield new Wrk(binary, script, Runtime.getRuntime().availableProcessors());
            }
            default -> throw new IllegalArgumentException("unknown client " + name + ": hey or wrk");
        };
    }

    /** The command as one would type it. */
    default String commandLine(URI url, int connections, int seconds) {
        return command(url, connections, seconds).stream()
                .map(a -> a.equals("{}") ? "'{}'" : a)
                .collect(Collectors.joining(" "));
    }

    default LoadResult run(URI url, int connections, int seconds) throws IOException, InterruptedException {
        long cpuBefore = ProcessCpu.reapedChildrenNanos();
        Process process = new ProcessBuilder(command(url, connections, seconds)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(commandLine(url, connections, seconds) + " did not end");
        }
        // Waited for, the client's CPU time has moved to this process's children's counters.
        long cpu = ProcessCpu.reapedChildrenNanos() - cpuBefore;
        if (process.exitValue() != 0) {
            throw new IllegalStateException(commandLine(url, connections, seconds) + " failed ("
                    + process.exitValue() + "):\n" + output);
        }
        return parse(output).withClientCpu(cpu);
    }

    private static Path onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(name + " is not installed: apt-get install hey wrk");
    }

    /** The first group of {@code pattern} in {@code text} as a number, NaN when absent. */
    private static double number(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /** hey: {@code -z} for a duration; it prints every status code and every error, latencies in seconds. */
    record Hey(Path binary) implements LoadClient {

        private static final Pattern TOTAL = Pattern.compile("Total:\\s+([0-9.]+) secs");
        private static final Pattern P50 = Pattern.compile("\\s50% in ([0-9.]+) secs");
        private static final Pattern P99 = Pattern.compile("\\s99% in ([0-9.]+) secs");
        private static final Pattern STATUS = Pattern.compile("\\[(\\d{3})]\\s+(\\d+) responses");
        private static final Pattern ERROR = Pattern.compile("^\\s+\\[(\\d+)]\\s+(.*)$", Pattern.MULTILINE);

        @Override
        public List<String> command(URI url, int connections, int seconds) {
            return List.of(binary.toString(), "-c", Integer.toString(connections), "-z", seconds + "s", "-m", "POST",
                    "-T", "application/json", "-d", "{}", url.toString());
        }

        @Override
        public LoadResult parse(String output) {
            long ok = 0;
            long other = 0;
            List<String> problems = new ArrayList<>();
            Matcher status = STATUS.matcher(output);
            while (status.find()) {
                long count = Long.parseLong(status.group(2));
                if (status.group(1).equals("200")) {
                    ok += count;
                } else {
                    other += count;
                    problems.add(count + " x status " + status.group(1));
                }
            }
            long errors = 0;
            int errorSection = output.indexOf("Error distribution:");
            if (errorSection >= 0) {
                Matcher error = ERROR.matcher(output.substring(errorSection));
                while (error.find()) {
                    errors += Long.parseLong(error.group(1));
                    problems.add(error.group(1) + " x " + error.group(2));
                }
            }
            return new LoadResult(ok, other, errors, number(TOTAL, output), number(P50, output) * 1e3,
                    number(P99, output) * 1e3, problems, 0);
        }
    }

    /**
     * wrk with a script for the POST and {@code --latency} for percentiles. It counts answers outside 2xx/3xx and
     * socket errors, not each status: here "non-200" means not 2xx or 3xx.
     */
    record Wrk(Path binary, Path script, int threads) implements LoadClient {

        private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ([0-9.]+)(us|ms|s|m|h)\\b");
        private static final Pattern P50 = Pattern.compile("^\\s+50%\\s+([0-9.]+)(us|ms|s|m|h)[ \\t]*$",
                Pattern.MULTILINE);
        private static final Pattern P99 = Pattern.compile("^\\s+99%\\s+([0-9.]+)(us|ms|s|m|h)[ \\t]*$",
                Pattern.MULTILINE);
        private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
        private static final Pattern SOCKET_ERRORS = Pattern.compile(
                "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

        @Override
        public List<String> command(URI url, int connections, int seconds) {
            return List.of(binary.toString(), "-t", Integer.toString(Math.min(threads, connections)), "-c",
                    Integer.toString(connections), "-d", seconds + "s", "--timeout", "20s", "--latency", "-s",
                    script.toString(), url.toString());
        }

        @Override
        public LoadResult parse(String output) {
            Matcher requests = REQUESTS.matcher(output);
            if (!requests.find()) {
                throw new IllegalStateException("no request count in wrk's output:\n" + output);
            }
            long answered = Long.parseLong(requests.group(1));
            double seconds = millis(requests.group(2), requests.group(3)) / 1e3;
            Matcher non2xx = NON_2XX.matcher(output);
            long other = non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0;
            long errors = 0;
            List<String> problems = new ArrayList<>();
            Matcher socket = SOCKET_ERRORS.matcher(output);
            if (socket.find()) {
                for (int g = 1; g <= 4; g++) {
                    errors += Long.parseLong(socket.group(g));
                }
                problems.add(socket.group());
            }
            if (other > 0) {
                problems.add(non2xx.group());
            }
            return new LoadResult(answered - other, other, errors, seconds, percentile(P50, output),
                    percentile(P99, output), problems, 0);
        }

        private static double percentile(Pattern pattern, String output) {
            Matcher m = pattern.matcher(output);
            return m.find() ? millis(m.group(1), m.group(2)) : Double.NaN;
        }

        private static double millis(String value, String unit) {
            double v = Double.parseDouble(value);
            return switch (unit) {
                case "us" -> v / 1e3;
                case "ms" -> v;
                case "s" -> v * 1e3;
                case "m" -> v * 60e3;
                default -> v * 3600e3;
            };
        }
    }
}
