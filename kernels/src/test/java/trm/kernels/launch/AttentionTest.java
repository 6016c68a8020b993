package trm.kernels.launch;

import static trm.kernels.launch.LauncherSim.FP32_BOUND;
import static trm.kernels.launch.LauncherSim.check;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import trm.engine.cpu.Rope;
import trm.engine.model.RopeTables;

/** attention.cu (fp32 flash attention, {@link Attention.Impl#FP32}) against trm.engine.cpu.Attention (+ Rope.backward) on the simulator. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(LauncherSim.Needed.class)
class AttentionTest {
    private LauncherSim s;

    @BeforeAll void open() { s = new LauncherSim(7); }

    @AfterAll void close() { if (s != null) s.close(); }

    private void attentionCase(int B, int L, int H, boolean rope) {
        int hd = 64, D = H * hd;
        float[] qkv = s.random(B * L * 3 * D, 1.5f), dOut = s.random(B * L * D, 1f);
        float[] out = new float[B * L * D], probs = new float[B * H * L * L], dqkv = new float[B * L * 3 * D];
        trm.engine.cpu.Attention.forward(out, 0, probs, 0, qkv, 0, B, L, H, hd);
        trm.engine.cpu.Attention.backward(dqkv, 0, dOut, 0, qkv, 0, probs, 0, B, L, H, hd);
        float[] lse = new float[B * H * L];
        float scale = (float) (1.0 / Math.sqrt(hd));
        for (int b = 0; b < B; b++)
            for (int h = 0; h < H; h++)
                for (int i = 0; i < L; i++) {
                    double sum = 0;
                    for (int j = 0; j < L; j++) {
                        double t = 0;
                        for (int d = 0; d < hd; d++)
                            t += (double) qkv[(b * L + i) * 3 * D + h * hd + d] * qkv[(b * L + j) * 3 * D + D + h * hd + d];
                        sum += Math.exp(t * scale);
                    }
                    lse[(b * H + h) * L + i] = (float) Math.log(sum);
                }
        long cos = 0, sin = 0;
        if (rope) {
            float[] c = new float[L * hd], sn = new float[L * hd];
            RopeTables.fill(c, sn, L, hd, 10000.0);
            Rope.backward(dqkv, 0, c, 0, sn, 0, B, L, H, hd);
            cos = s.upload(c);
            sin = s.upload(sn);
        }
        long gQkv = s.upload(qkv), gOut = s.poisoned((long) B * L * D), gLse = s.poisoned((long) B * H * L);
        long gDOut = s.upload(dOut), gDqkv = s.poisoned((long) B * L * 3 * D), gDelta = s.poisoned(Attention.deltaFloats(B, L, H));
        Attention.forward(s.rt, Attention.Impl.FP32, gOut, gLse, gQkv, B, L, H, 0);
        Attention.backward(s.rt, Attention.Impl.FP32, gDqkv, gDOut, gQkv, gOut, gLse, gDelta, cos, sin, B, L, H, 0);
        String name = "B=" + B + " L=" + L + " H=" + H + (rope ? " +rope bwd" : "");
        check("attention fwd out " + name, s.download(gOut, out.length), out, FP32_BOUND);
        check("attention fwd lse " + name, s.download(gLse, lse.length), lse, FP32_BOUND);
        check("attention bwd dqkv " + name, s.download(gDqkv, dqkv.length), dqkv, FP32_BOUND);
    }

    @Test void trmLike() { attentionCase(1, 97, 2, false); }

    @Test void withRopeBackward() { attentionCase(1, 97, 2, true); }

    @Test void oddSizes() {
        attentionCase(2, 33, 1, false);
        attentionCase(1, 130, 1, true);
    }
}
