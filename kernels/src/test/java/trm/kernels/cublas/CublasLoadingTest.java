package trm.kernels.cublas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import trm.engine.TrmException;

/** Loading cuBLAS either works or fails with one clean line that names what was tried. */
class CublasLoadingTest {

    /** One line, short, no stack-trace or exception-class text. */
    private static void assertClean(String message) {
        assertFalse(message.contains("\n") || message.contains("\r"), message);
        assertFalse(message.contains("Exception") || message.contains("\tat ") || message.contains("java."), message);
        assertTrue(message.length() < 300, message);
    }

    @Test
    void defaultLoadingFailsWithOneCleanLineNamingTheLibraries() {
        Optional<String> why = Cublas.unavailableReason();
        Assumptions.assumeTrue(why.isPresent(), "cuBLAS loads here (" + why + "): nothing to check about failing");
        TrmException e = assertThrows(TrmException.class, Cublas::requireAvailable);
        System.out.println("[cublas] " + e.getMessage());
        assertEquals("cuBLAS unavailable: " + why.get(), e.getMessage());
        assertNull(e.getCause());
        assertClean(e.getMessage());
        if (Cublas.override() == null)
            for (String name : Cublas.DEFAULT_NAMES) assertTrue(e.getMessage().contains(name), e.getMessage());
        else
            assertTrue(e.getMessage().contains(Cublas.override()), e.getMessage());
        TrmException again = assertThrows(TrmException.class, () -> Cublas.open(null));
        assertEquals(e.getMessage(), again.getMessage(), "open says the same, before touching the runtime");
    }

    @Test
    void missingFileIsNamed() {
        String path = "/nonexistent/trm-cublas/libcublas.so.99";
        Cublas.Loaded l = Cublas.load(Cublas.LIB_PROPERTY + "=" + path);
        assertNull(l.library());
        assertEquals(Cublas.LIB_PROPERTY + "=" + path + ": no such file", l.problem());
    }

    @Test
    void libraryWithoutTheSymbols() {
        Path libjava = Path.of(System.getProperty("java.home"), "lib", "libjava.so");
        Assumptions.assumeTrue(Files.exists(libjava), "no " + libjava + " (not Linux?)");
        Cublas.Loaded l = Cublas.load(libjava.toString());
        assertNull(l.library());
        assertEquals(libjava + " has no cublasCreate_v2", l.problem());
    }

    /** The system property end to end, in a child JVM (the default library is resolved once per process). */
    @Test
    void propertyPointingToAMissingFileNamesIt() throws Exception {
        String path = "/nonexistent/trm-cublas/libcublas.so.13";
        List<String> out = probe(List.of("-D" + Cublas.LIB_PROPERTY + "=" + path));
        assertEquals(List.of("MESSAGE cuBLAS unavailable: " + Cublas.LIB_PROPERTY + "=" + path + ": no such file", "CAUSE null"), out);
    }

    static List<String> probe(List<String> jvmArgs) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        // surefire runs tests from a manifest-only jar; it keeps the real class path here
        cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        cmd.add(CublasProbe.class.getName());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove(Cublas.LIB_ENV);
        Process p = pb.start();
        String text;
        try (var in = p.getInputStream()) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe JVM hung");
        assertEquals(0, p.exitValue(), text);
        return text.lines().filter(s -> !s.isBlank()).toList();
    }
}
