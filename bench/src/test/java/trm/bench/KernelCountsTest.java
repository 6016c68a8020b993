package trm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KernelCountsTest {
    @Test void linearForwardIsTwoMKN() {
        var c = KernelCounts.linearForward("x", 768 * 97, 512, 1536, false);
        assertEquals(2.0 * 768 * 97 * 512 * 1536, c.flops());
        assertEquals(4.0 * (768 * 97 * 512 + 1536 * 512 + 768 * 97 * 1536), c.bytes());
        assertEquals(c.flops() / 1e12, c.tflops(1000), 1e-12);
    }

    @Test void attentionForwardIsFourBHL2hd() {
        var c = KernelCounts.attentionForward(768, 916, 8);
        assertEquals(4.0 * 768 * 8 * 916 * 916 * 64, c.flops());
        assertTrue(KernelCounts.attentionBackward(768, 916, 8).flops() == 3.5 * c.flops());
        var fp32 = KernelCounts.attentionForward(768, 916, 8, trm.kernels.launch.Attention.Impl.FP32);
        assertEquals(c.flops(), fp32.flops());
        assertEquals("attention_fwd", fp32.kernel());
        assertEquals("attention_tc_bwd_dq + attention_tc_bwd_dkdv", KernelCounts.attentionBackward(768, 916, 8).kernel());
    }

    @Test void tablesCoverEveryHeavyKernel() {
        String t = KernelCounts.table("t", KernelCounts.attentionBlock(768, 97, 512, 1536))
                + KernelCounts.table("m", KernelCounts.mixerBlock(768, 97, 512, 512));
        for (String k : new String[] {"gemm_abt_", "gemm_ab_", "gemm_atb_", "gemm_splitk_reduce", "attention_tc_fwd",
                "attention_tc_bwd_dq", "attention_tc_bwd_dkdv", "mixer_norm_fwd", "mixer_norm_bwd"})
            assertTrue(t.contains(k), k);
    }
}
