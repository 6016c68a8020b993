package trm.trainer;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The module rules as a test, over the main classes of every module on this classpath (engine,
 * kernels, trainer; tests excluded):
 * <ul>
 *   <li>the model, io and the kernels depend on the contract ({@code trm.engine}), never on the
 *       cpu device ({@code trm.engine.cpu});</li>
 *   <li>the trainer never names the kernels: kernel devices arrive through the
 *       {@link java.util.ServiceLoader} ({@code trm.engine.Devices.open}) at run time;</li>
 *   <li>the kernels read as a stack: runtimes ({@code trm.kernels.runtime}) below launchers
 *       ({@code trm.kernels.launch}) below the device and its ops ({@code trm.kernels}).</li>
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArchitectureTest {
    private JavaClasses classes;

    @BeforeAll
    void importClasses() {
        // engine and kernels arrive as jars under `mvn verify` and as class folders under `mvn test`:
        // both are read; only trm.* is imported, and test classes (test-classes folders) are left out
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("trm");
    }

    private void check(ArchRule rule) { rule.check(classes); }

    @Test
    void theModuleClassesWereFound() {
        for (String c : new String[] {"trm.engine.model.TrmModel", "trm.engine.io.Safetensors", "trm.kernels.KernelOps",
                "trm.kernels.launch.Gemm", "trm.kernels.runtime.RuntimeBase", "trm.trainer.Trainer", "trm.engine.cpu.CpuOps"})
            if (!classes.contain(c)) throw new AssertionError("the architecture test did not see " + c + " (classpath changed?)");
    }

    @Test
    void modelIoAndKernelsNeverUseTheCpuDevice() {
        check(noClasses().that().resideInAnyPackage("trm.engine.model..", "trm.engine.io..", "trm.kernels..")
                .should().dependOnClassesThat().resideInAPackage("trm.engine.cpu..")
                .because("they are written against the Ops/Device contract; the cpu device is one implementation"));
    }

    @Test
    void trainerGetsKernelDevicesOnlyThroughTheServiceLoader() {
        check(noClasses().that().resideInAPackage("trm.trainer..")
                .should().dependOnClassesThat().resideInAPackage("trm.kernels..")
                .because("kernel devices are found by name at run time (trm.engine.Devices.open)"));
    }

    @Test
    void kernelRuntimesKnowNothingAboveThem() {
        check(noClasses().that().resideInAPackage("trm.kernels.runtime..")
                .should().dependOnClassesThat().resideInAnyPackage("trm.kernels", "trm.kernels.launch..")
                .because("runtimes launch whatever kernel they are given"));
    }

    @Test
    void launchersKnowNothingOfTheDevice() {
        check(noClasses().that().resideInAPackage("trm.kernels.launch..")
                .should().dependOnClassesThat().resideInAPackage("trm.kernels")
                .because("launchers take device addresses and shapes, not tensors"));
    }
}
