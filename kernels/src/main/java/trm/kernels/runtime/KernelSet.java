package trm.kernels.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import trm.engine.TrmException;

/**
 * A set of kernels built together by {@code build-kernels.sh}: one source folder becomes one
 * fatbin ({@code /trm/kernels/<name>.fatbin}), one simulator library
 * ({@code /trm/kernels/native/lib<name>_sim.so}) and one kernel table
 * ({@code /trm/kernels/<name>.kernels}, "name signature" per line), all classpath resources. A
 * product that could not be built is replaced by {@code <product>.missing} saying why.
 */
public record KernelSet(String name) {
    /** The project's kernels (kernels/src/main/cuda). */
    public static final KernelSet MAIN = new KernelSet("trm_kernels");

    static final String DIR = "trm/kernels/";

    public String fatbinResource() { return DIR + name + ".fatbin"; }

    public String simLibraryResource() { return DIR + "native/lib" + name + "_sim.so"; }

    public String tableResource() { return DIR + name + ".kernels"; }

    /** The CUDA version ("13.0") of the nvcc that built the fatbin, written beside it by build-kernels.sh. */
    public String fatbinCudaResource() { return DIR + name + ".fatbin.cuda"; }

    /** The CUDA version the fatbin was built with, as major·1000 + minor·10 (cuDriverGetVersion's encoding), if recorded. */
    Optional<Integer> fatbinCudaVersion() {
        if (resource(fatbinCudaResource()).isEmpty()) return Optional.empty();
        String v = new String(readResource(fatbinCudaResource()), StandardCharsets.UTF_8).strip();
        var m = java.util.regex.Pattern.compile("([0-9]+)\\.([0-9]+)").matcher(v);
        if (!m.matches()) throw new TrmException("kernel set " + name + ": " + fatbinCudaResource() + " holds '" + v + "', not a CUDA version");
        return Optional.of(Integer.parseInt(m.group(1)) * 1000 + Integer.parseInt(m.group(2)) * 10);
    }

    static ClassLoader loader() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return cl != null ? cl : KernelSet.class.getClassLoader();
    }

    Optional<URL> resource(String path) { return Optional.ofNullable(loader().getResource(path)); }

    byte[] readResource(String path) {
        try (InputStream in = loader().getResourceAsStream(path)) {
            if (in == null) throw new TrmException("kernel set " + name + ": resource " + path + " not on the classpath");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Why the simulator library is absent: the build's note, or a generic line. */
    String simMissingReason() { return missingReason(DIR + name + ".sim.missing", "simulator library"); }

    /** Why the fatbin is absent: the build's note, or a generic line. */
    String fatbinMissingReason() { return missingReason(DIR + name + ".fatbin.missing", "fatbin"); }

    private String missingReason(String marker, String what) {
        return resource(marker)
                .map(u -> new String(readResource(marker), StandardCharsets.UTF_8).strip())
                .orElse("no " + what + " for kernel set " + name + " on the classpath (was kernels/ built?)");
    }

    /** Kernel name to signature letters, from the kernel table; empty if the table is absent. */
    Optional<Map<String, String>> table() {
        if (resource(tableResource()).isEmpty()) return Optional.empty();
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : new String(readResource(tableResource()), StandardCharsets.UTF_8).split("\n")) {
            String l = line.strip();
            if (l.isEmpty()) continue;
            int sp = l.indexOf(' ');
            m.put(sp < 0 ? l : l.substring(0, sp), sp < 0 ? "" : l.substring(sp + 1).strip());
        }
        return Optional.of(m);
    }
}
