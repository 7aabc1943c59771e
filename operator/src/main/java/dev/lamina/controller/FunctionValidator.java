package dev.lamina.controller;

import dev.lamina.api.CodeSource;
import dev.lamina.api.EnvironmentLimit;
import dev.lamina.api.FunctionSpec;
import dev.lamina.api.FunctionSpec.FileSystemMount;
import dev.lamina.api.FunctionSpec.SecretEnvVar;
import dev.lamina.api.LambdaRuntime;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the CRD schema cannot check: that what a Function refers to exists and fits (ConfigMaps, Secrets, the
 * ServiceAccount, ReadWriteMany claims), that Lambda has not blocked the runtime, that file systems can be mounted
 * together, that its variables with the Secrets' values fit Lambda's 4 KB.
 */
final class FunctionValidator {
    private static final Set<String> RESERVED_PATHS = Set.of("/tmp", "/opt", "/var/task", "/var/runtime");

    private FunctionValidator() {
    }

    /** @param today the day (UTC) Lambda's runtime deprecation schedule is read for */
    static List<Problem> validate(FunctionSpec spec, FunctionSurroundings around, LocalDate today) {
        List<Problem> problems = new ArrayList<>();
        if (spec.image() == null && spec.code() == null) {
            problems.add(new Problem("InvalidSpec", "set image (a container image) or runtime and code"));
        }
        if (spec.code() != null) {
            if (spec.runtime() == null) {
                problems.add(new Problem("InvalidSpec", "code needs a runtime"));
            } else {
                checkRuntime(spec.runtime(), today, problems);
            }
            checkSource(spec.code(), "code", around, problems);
        }
        if (spec.layers() != null) {
            for (int i = 0; i < spec.layers().size(); i++) {
                checkSource(spec.layers().get(i), "layer " + (i + 1), around, problems);
            }
        }
        checkSecrets(spec, around, problems);
        EnvironmentLimit.exceeded(spec, (secret, key) -> around.secrets().getOrDefault(secret, Map.of()).get(key))
                .ifPresent(message -> problems.add(new Problem("EnvironmentTooLarge", message)));
        if (spec.serviceAccountName() != null && !around.serviceAccount().orElse(false)) {
            problems.add(new Problem("ServiceAccountNotFound", "ServiceAccount " + spec.serviceAccountName()
                    + " (serviceAccountName) does not exist in this namespace"));
        }
        checkFileSystems(spec, around, problems);
        return problems;
    }

    private static void checkRuntime(String runtime, LocalDate today, List<Problem> problems) {
        LambdaRuntime.find(runtime).filter(known -> known.phase(today) == LambdaRuntime.Phase.BLOCKED)
                .flatMap(blocked -> blocked.notice(today))
                .ifPresent(notice -> problems.add(new Problem("RuntimeNotSupported", notice)));
    }

    private static void checkSource(CodeSource source, String what, FunctionSurroundings around,
                                    List<Problem> problems) {
        if (source.path() != null) {
            problems.add(new Problem("CodePathNotSupported", what + " uses path, which works in local mode only: "
                    + "in a cluster use configMap, url or image"));
        } else if (source.configMap() != null && !around.configMaps().containsKey(source.configMap())) {
            problems.add(new Problem("ConfigMapNotFound", "ConfigMap " + source.configMap() + " (" + what
                    + ") does not exist in this namespace"));
        }
    }

    private static void checkSecrets(FunctionSpec spec, FunctionSurroundings around, List<Problem> problems) {
        if (spec.secretEnvironment() == null) {
            return;
        }
        for (SecretEnvVar variable : spec.secretEnvironment()) {
            String secret = variable.secretKeyRef().name();
            Map<String, String> values = around.secrets().get(secret);
            if (values == null) {
                problems.add(new Problem("SecretNotFound", "Secret " + secret + " (for " + variable.name()
                        + ") does not exist in this namespace"));
            } else if (!values.containsKey(variable.secretKeyRef().key())) {
                problems.add(new Problem("SecretKeyNotFound", "Secret " + secret + " has no key "
                        + variable.secretKeyRef().key() + " (for " + variable.name() + ")"));
            }
        }
    }

    private static void checkFileSystems(FunctionSpec spec, FunctionSurroundings around, List<Problem> problems) {
        if (spec.fileSystems() == null) {
            return;
        }
        Set<String> seen = new HashSet<>();
        for (FileSystemMount fs : spec.fileSystems()) {
            PersistentVolumeClaim claim = around.claims().get(fs.claimName());
            if (claim == null) {
                problems.add(new Problem("ClaimNotFound", "PersistentVolumeClaim " + fs.claimName()
                        + " (file system at " + fs.mountPath() + ") does not exist in this namespace"));
            } else if (!sharable(claim, fs.readOnly())) {
                problems.add(new Problem("ClaimNotReadWriteMany", "PersistentVolumeClaim " + fs.claimName()
                        + " has access modes " + claim.getSpec().getAccessModes()
                        + ": a file system is shared by all environments and needs ReadWriteMany"
                        + (fs.readOnly() ? " (or ReadOnlyMany when mounted read-only)" : "")));
            }
            String path = normalise(fs.mountPath());
            if (RESERVED_PATHS.stream().anyMatch(r -> nested(path, r) || nested(r, path))) {
                problems.add(new Problem("MountPathConflict", "file system mount path " + fs.mountPath()
                        + " overlaps a path Lambda reserves (/tmp, /opt, /var/task, /var/runtime)"));
            }
            for (String other : seen) {
                if (nested(path, other) || nested(other, path)) {
                    problems.add(new Problem("MountPathConflict", "file systems mounted at " + other + " and "
                            + fs.mountPath() + " clash: mount paths must not repeat or nest"));
                }
            }
            seen.add(path);
        }
        if (spec.fileSystems().stream().map(FileSystemMount::uid).filter(Objects::nonNull).distinct().count() > 1
                || spec.fileSystems().stream().map(FileSystemMount::gid).filter(Objects::nonNull).distinct().count() > 1) {
            problems.add(new Problem("FileSystemUserConflict", "file systems ask for different POSIX users: "
                    + "an environment runs as one uid/gid, so every file system must use the same uid and gid"));
        }
    }

    private static boolean sharable(PersistentVolumeClaim claim, boolean readOnly) {
        List<String> modes = claim.getSpec() == null || claim.getSpec().getAccessModes() == null
                ? List.of() : claim.getSpec().getAccessModes();
        return modes.contains("ReadWriteMany") || (readOnly && modes.contains("ReadOnlyMany"));
    }

    private static String normalise(String path) {
        return path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
    }

    /** Whether {@code inner} is {@code outer} or lies inside it. */
    private static boolean nested(String inner, String outer) {
        return inner.equals(outer) || inner.startsWith(outer + "/");
    }
}
