package dev.lamina.local;

import dev.lamina.api.FunctionSpec;
import dev.lamina.api.FunctionSpec.FileSystemMount;
import dev.lamina.api.FunctionSpec.SecretEnvVar;
import dev.lamina.async.SecretData;
import dev.lamina.gateway.VersionState;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a function's processes find around their code in local mode, from the fields of its spec that Lambda turns
 * into the execution environment: the variables of {@code secretEnvironment}, the paths Lambda sets up for layers in
 * /opt, and the {@code fileSystems} mounts. A field local mode cannot apply makes the function not runnable with the
 * reason; what it applies only in part is said in {@link Prepared#unenforced()}.
 * <p>
 * /opt: a local process cannot be given its own /opt, so the layers are extracted into a directory of the code store
 * (named by their content) and the variables Lambda points into /opt point there instead; {@code LAMINA_OPT} names
 * it. File systems: {@code <root>/<claimName>/<path>} on this machine, reached at the mount path through a symbolic
 * link {@code /mnt/NAME} that local mode creates (or finds, pointing there); where this user may not create it, the
 * function is not runnable, and the reason says which link to create.
 */
final class LocalSandbox {

    /** The variable naming the directory that stands in for /opt. */
    static final String OPT_VARIABLE = "LAMINA_OPT";

    sealed interface Outcome permits Prepared, Refused {
    }

    /**
     * @param variables  for the runtime's environment, under the function's own variables
     * @param unenforced what the spec asks that local mode does not enforce, to be said once at load
     */
    record Prepared(Map<String, String> variables, List<String> unenforced) implements Outcome {
    }

    record Refused(VersionState state) implements Outcome {
    }

    private final Path fileSystemsRoot;

    /** @param fileSystemsRoot the directory under which each claim's files live */
    LocalSandbox(Path fileSystemsRoot) {
        this.fileSystemsRoot = fileSystemsRoot;
    }

    /**
     * @param opt     the layers, extracted (null without layers)
     * @param secrets the Secrets of the function's namespace, by name
     */
    Outcome prepare(FunctionSpec spec, Path opt, Map<String, Secret> secrets) {
        Map<String, String> variables = new TreeMap<>();
        List<String> unenforced = new ArrayList<>();
        if (opt != null) {
            variables.putAll(layerVariables(spec.runtime(), opt));
        }
        if (spec.secretEnvironment() != null) {
            for (SecretEnvVar variable : spec.secretEnvironment()) {
                Secret secret = secrets.get(variable.secretKeyRef().name());
                String value = secret == null ? null : SecretData.values(secret).get(variable.secretKeyRef().key());
                if (value == null) {
                    return new Refused(VersionState.failed("InvalidConfiguration", "secretEnvironment "
                            + variable.name() + " names " + (secret == null
                            ? "Secret " + variable.secretKeyRef().name() + ", which is not in the directory"
                            : "key " + variable.secretKeyRef().key() + ", which Secret "
                            + variable.secretKeyRef().name() + " does not have") + "."));
                }
                variables.put(variable.name(), value);
            }
        }
        if (spec.fileSystems() != null) {
            for (FileSystemMount mount : spec.fileSystems()) {
                try {
                    mount(mount);
                } catch (MountProblem problem) {
                    return new Refused(VersionState.failed("EFSMountFailure", problem.getMessage()));
                }
                if (mount.readOnly()) {
                    unenforced.add(mount.mountPath() + " is writable (readOnly is not enforced locally)");
                }
                if (mount.uid() != null || mount.gid() != null) {
                    unenforced.add(mount.mountPath() + " is used as this user (uid/gid apply in a cluster)");
                }
            }
        }
        unenforced.add("/tmp is a private directory (TMPDIR) of unlimited size, not " + spec.ephemeralStorageMB()
                + " MB");
        return new Prepared(variables, unenforced);
    }

    /**
     * The variables Lambda's runtimes point into /opt (AWS: "Layer paths for each Lambda runtime"), pointing at
     * {@code opt}: bin on PATH and lib on LD_LIBRARY_PATH after what this machine has (Lambda puts /opt last),
     * nodejs on NODE_PATH, python on PYTHONPATH. Java's java/lib goes on the class path ({@link LocalRuntimes}).
     */
    static Map<String, String> layerVariables(String runtime, Path opt) {
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put(OPT_VARIABLE, opt.toString());
        variables.put("PATH", after(System.getenv("PATH"), opt.resolve("bin")));
        variables.put("LD_LIBRARY_PATH", after(System.getenv("LD_LIBRARY_PATH"), opt.resolve("lib")));
        if (runtime.startsWith("nodejs")) {
            String major = runtime.substring("nodejs".length(), runtime.indexOf('.'));
            variables.put("NODE_PATH", String.join(File.pathSeparator,
                    opt.resolve("nodejs/node" + major + "/node_modules").toString(),
                    opt.resolve("nodejs/node_modules").toString()));
        } else if (runtime.startsWith("python")) {
            variables.put("PYTHONPATH", String.join(File.pathSeparator,
                    opt.resolve("python/lib/" + runtime + "/site-packages").toString(),
                    opt.resolve("python").toString()));
        }
        return variables;
    }

    private static String after(String inherited, Path added) {
        return inherited == null || inherited.isEmpty() ? added.toString()
                : inherited + File.pathSeparator + added;
    }

    /** The claim's directory (created if missing), linked at the mount path. */
    private void mount(FileSystemMount mount) throws MountProblem {
        Path claim = fileSystemsRoot.resolve(mount.claimName()).toAbsolutePath().normalize();
        Path target = claim.resolve(mount.path().substring(1)).normalize();
        if (!target.startsWith(claim)) {
            throw new MountProblem("fileSystems " + mount.mountPath() + ": path " + mount.path()
                    + " leaves the file system");
        }
        Path link = Path.of(mount.mountPath());
        try {
            Files.createDirectories(target);
        } catch (IOException e) {
            throw new MountProblem("fileSystems " + mount.mountPath() + ": cannot create " + target + ": " + e);
        }
        if (Files.isSymbolicLink(link)) {
            Path current;
            try {
                current = Files.readSymbolicLink(link);
            } catch (IOException e) {
                throw new MountProblem("fileSystems " + mount.mountPath() + ": cannot read the link: " + e);
            }
            if (current.equals(target)) {
                return;
            }
            throw new MountProblem("fileSystems: " + link + " links to " + current + ", not to " + target
                    + " (claim " + mount.claimName() + "); remove the link and local mode makes it");
        }
        if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
            throw new MountProblem("fileSystems: " + link + " exists and is not a link; local mode reaches "
                    + target + " there through a symbolic link");
        }
        try {
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, target);
        } catch (IOException e) {
            throw new MountProblem("fileSystems: local mode reaches " + target + " at " + link + " through a"
                    + " symbolic link, which it could not create (" + e.getClass().getSimpleName() + "); create it"
                    + " once: sudo ln -s " + target + " " + link);
        }
    }

    private static final class MountProblem extends Exception {
        MountProblem(String message) {
            super(message, null, false, false);
        }
    }
}
