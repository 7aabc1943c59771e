package dev.lamina.api;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * One of Lambda's managed runtimes, with what both modes need to know of it: its AWS base image, the language version
 * it carries, and where it stands in Lambda's deprecation schedule. {@link #ALL} holds every runtime the CRD's
 * {@code runtime} pattern accepts, with the dates of AWS's "Lambda runtimes" page (December 2026).
 *
 * @param id              the runtime identifier: java21, nodejs22.x, python3.13, provided.al2023, ...
 * @param image           the AWS base image code of this runtime runs in
 * @param languageVersion the language version the runtime carries ("22" for nodejs22.x, "3.13" for python3.13, "21"
 *                        for java21); for an OS-only runtime the operating system ("al2023")
 * @param deprecation     the day Lambda deprecates the runtime (no more patches; functions still run)
 * @param blockUpdate     the day Lambda blocks creating and updating functions that use it; null when it never does
 *                        (a runtime Lambda offers as a container image only)
 */
public record LambdaRuntime(String id, String image, String languageVersion, LocalDate deprecation,
                            LocalDate blockUpdate) {

    /** Where a runtime stands on a given day. */
    public enum Phase {
        SUPPORTED,
        /** Deprecated: functions still run and can still be updated, with a warning. */
        DEPRECATED,
        /** Past Lambda's "block function update" date: Lambda refuses to create or update functions with it. */
        BLOCKED
    }

    /** Where AWS publishes its base images; each starts {@link #BASE_IMAGE_ENTRYPOINT} with the handler as its CMD. */
    public static final String ECR = "public.ecr.aws/lambda/";
    public static final String BASE_IMAGE_ENTRYPOINT = "/lambda-entrypoint.sh";

    public static final List<LambdaRuntime> ALL = List.of(
            runtime("java8.al2", "java:8.al2", "8", "2026-06-30", "2026-08-31"),
            runtime("java11", "java:11", "11", "2026-06-30", "2026-08-31"),
            runtime("java17", "java:17", "17", "2026-06-30", "2026-08-31"),
            runtime("java21", "java:21", "21", "2029-06-30", "2029-08-31"),
            runtime("java25", "java:25", "25", "2029-06-30", "2029-08-31"),
            runtime("nodejs18.x", "nodejs:18", "18", "2025-09-01", "2026-03-09"),
            runtime("nodejs20.x", "nodejs:20", "20", "2026-04-30", "2026-07-01"),
            runtime("nodejs22.x", "nodejs:22", "22", "2027-04-30", "2027-07-01"),
            runtime("nodejs24.x", "nodejs:24", "24", "2028-04-30", "2028-07-01"),
            runtime("python3.9", "python:3.9", "3.9", "2025-12-15", "2026-07-01"),
            runtime("python3.10", "python:3.10", "3.10", "2026-06-30", "2026-08-31"),
            runtime("python3.11", "python:3.11", "3.11", "2026-06-30", "2026-08-31"),
            runtime("python3.12", "python:3.12", "3.12", "2028-10-31", "2029-01-10"),
            runtime("python3.13", "python:3.13", "3.13", "2029-06-30", "2029-08-31"),
            runtime("python3.14", "python:3.14", "3.14", "2029-06-30", "2029-08-31"),
            runtime("ruby3.2", "ruby:3.2", "3.2", "2026-03-31", "2026-07-01"),
            runtime("ruby3.3", "ruby:3.3", "3.3", "2027-03-31", "2027-05-31"),
            runtime("ruby3.4", "ruby:3.4", "3.4", "2028-03-31", "2028-05-31"),
            runtime("dotnet8", "dotnet:8", "8", "2026-11-10", "2027-03-03"),
            runtime("dotnet9", "dotnet:9", "9", "2026-11-10", null),
            runtime("dotnet10", "dotnet:10", "10", "2028-11-14", "2029-01-15"),
            runtime("provided", "provided:alami", "alami", "2024-01-08", "2024-03-12"),
            runtime("provided.al2", "provided:al2", "al2", "2026-06-30", "2026-08-31"),
            runtime("provided.al2023", "provided:al2023", "al2023", "2029-06-30", "2029-08-31"));

    public static Optional<LambdaRuntime> find(String id) {
        return ALL.stream().filter(runtime -> runtime.id.equals(id)).findFirst();
    }

    public Phase phase(LocalDate today) {
        if (blockUpdate != null && !today.isBefore(blockUpdate)) {
            return Phase.BLOCKED;
        }
        return today.isBefore(deprecation) ? Phase.SUPPORTED : Phase.DEPRECATED;
    }

    /** The language family, as the base image's repository names it: java, nodejs, python, ruby, dotnet, provided. */
    public String language() {
        return image.substring(ECR.length(), image.indexOf(':', ECR.length()));
    }

    /** What to say of the runtime on that day, in Lambda's words where Lambda has some; empty while supported. */
    public Optional<String> notice(LocalDate today) {
        String instead = successor(today).map(newer -> " Use " + newer.id + " instead.").orElse("");
        return switch (phase(today)) {
            case SUPPORTED -> Optional.empty();
            case DEPRECATED -> Optional.of("The runtime " + id + " is deprecated since " + deprecation
                    + ": Lambda no longer patches it. Functions keep running"
                    + (blockUpdate == null ? "." : "; creating or updating them is blocked from " + blockUpdate + ".")
                    + instead);
            case BLOCKED -> Optional.of("The runtime parameter of " + id + " is no longer supported for creating or"
                    + " updating AWS Lambda functions (deprecated " + deprecation + ", blocked since " + blockUpdate
                    + "). Versions already running keep running." + instead);
        };
    }

    /** The newest supported runtime of the same language. */
    private Optional<LambdaRuntime> successor(LocalDate today) {
        return ALL.reversed().stream()
                .filter(other -> other.language().equals(language()) && other.phase(today) == Phase.SUPPORTED)
                .findFirst();
    }

    private static LambdaRuntime runtime(String id, String tag, String languageVersion, String deprecation,
                                         String blockUpdate) {
        return new LambdaRuntime(id, ECR + tag, languageVersion, LocalDate.parse(deprecation),
                blockUpdate == null ? null : LocalDate.parse(blockUpdate));
    }
}
