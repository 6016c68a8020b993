package trm.kernels.runtime;

import java.util.Optional;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** JUnit conditions: skip (with the reason) the tests that need a runtime this machine lacks. */
public final class Devices {
    private Devices() {}

    public static final KernelSet TEST = new KernelSet("trm_kernels_test");

    public static Optional<String> simProblem() {
        return SimRuntime.unavailableReason(TEST).or(() -> SimRuntime.unavailableReason(KernelSet.MAIN));
    }

    public static Optional<String> cudaProblem() { return CudaRuntime.unavailableReason(TEST, KernelSet.MAIN); }

    public static final class NeedsSim implements ExecutionCondition {
        @Override public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return simProblem().map(w -> ConditionEvaluationResult.disabled("sim device unavailable: " + w))
                    .orElse(ConditionEvaluationResult.enabled("simulator library present"));
        }
    }

    public static final class NeedsCuda implements ExecutionCondition {
        @Override public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return cudaProblem().map(w -> ConditionEvaluationResult.disabled("cuda device unavailable: " + w))
                    .orElse(ConditionEvaluationResult.enabled("cuda device present"));
        }
    }
}
