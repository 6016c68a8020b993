package trm.kernels.launch;

import static trm.kernels.launch.LauncherSim.BF16_BOUND;
import static trm.kernels.launch.LauncherSim.FP32_BOUND;
import static trm.kernels.launch.LauncherSim.check;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import trm.engine.cpu.AddRmsNorm;
import trm.engine.cpu.Matmul;
import trm.engine.cpu.SwiGlu;
import trm.engine.cpu.Transpose;

/**
 * The MLP-mixer token mixing (mixer.cu + batched gemm) against the reference route on the
 * simulator: transpose to [B, D, L], Matmul/SwiGlu/AddRmsNorm over L, transpose back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(LauncherSim.Needed.class)
class MixerTest {
    private static final float EPS = 1e-5f;
    private LauncherSim s;

    @BeforeAll void open() { s = new LauncherSim(11); }

    @AfterAll void close() { if (s != null) s.close(); }

    @Test void normOverSequenceAxis() {
        int B = 2, L = 97, D = 70;
        float[] a = s.random(B * L * D, 1f), b = s.random(B * L * D, 1f), dOut = s.random(B * L * D, 1f);
        float[] aT = new float[a.length], bT = new float[b.length], oT = new float[a.length], rstd = new float[B * D];
        Transpose.forward(aT, 0, a, 0, B, L, D);
        Transpose.forward(bT, 0, b, 0, B, L, D);
        AddRmsNorm.forward(oT, 0, rstd, 0, aT, 0, bT, 0, B * D, L, EPS);
        float[] dT = new float[a.length], dInT = new float[a.length], out = new float[a.length], dIn = new float[a.length];
        Transpose.forward(dT, 0, dOut, 0, B, L, D);
        AddRmsNorm.backward(dInT, 0, dT, 0, oT, 0, rstd, 0, B * D, L);
        Transpose.forward(out, 0, oT, 0, B, D, L);
        Transpose.forward(dIn, 0, dInT, 0, B, D, L);

        long gOut = s.poisoned(a.length), gRstd = s.poisoned(B * D), gDIn = s.poisoned(a.length);
        Mixer.normForward(s.rt, gOut, s.upload(a), s.upload(b), gRstd, B, L, D, EPS);
        Mixer.normBackward(s.rt, gDIn, s.upload(dOut), gOut, gRstd, B, L, D, false);
        check("mixer norm fwd (axis 1)", s.download(gOut, a.length), out, FP32_BOUND);
        check("mixer norm fwd rstd", s.download(gRstd, B * D), rstd, FP32_BOUND);
        check("mixer norm bwd (axis 1)", s.download(gDIn, a.length), dIn, FP32_BOUND);
        // accumulate into another buffer; then write in place over dOut
        long gDOut = s.upload(dOut);
        float[] acc = s.random(a.length, 1f), ref = acc.clone();
        for (int i = 0; i < ref.length; i++) ref[i] += dIn[i];
        long gAcc = s.upload(acc);
        Mixer.normBackward(s.rt, gAcc, gDOut, gOut, gRstd, B, L, D, true);
        check("mixer norm bwd accumulate", s.download(gAcc, a.length), ref, FP32_BOUND);
        Mixer.normBackward(s.rt, gDOut, gDOut, gOut, gRstd, B, L, D, false);
        check("mixer norm bwd in place", s.download(gDOut, a.length), dIn, FP32_BOUND);
    }

    private void blockCase(int B, int L, int D, int It, int splits) {
        int M2 = 2 * It, n = B * L * D, rows = B * D;
        float[] h = s.random(n, 1f), w1 = s.random(M2 * L, 0.15f), w2 = s.random(L * It, 0.15f), dOut = s.random(n, 1f);
        float[] dw1 = s.random(M2 * L, 1f), dw2 = s.random(L * It, 1f);
        long gDw1 = s.upload(dw1.clone()), gDw2 = s.upload(dw2.clone());

        // reference route: [B, D, L]
        float[] x = new float[n], gu = new float[rows * M2], act = new float[rows * It], y = new float[n], o = new float[n];
        float[] rstd = new float[rows], out = new float[n];
        Transpose.forward(x, 0, h, 0, B, L, D);
        Matmul.forward(gu, 0, x, 0, w1, 0, null, 0, rows, L, M2);
        SwiGlu.forward(act, 0, gu, 0, rows, It);
        Matmul.forward(y, 0, act, 0, w2, 0, null, 0, rows, It, L);
        AddRmsNorm.forward(o, 0, rstd, 0, x, 0, y, 0, rows, L, EPS);
        Transpose.forward(out, 0, o, 0, B, D, L);
        float[] dO = new float[n], dX = new float[n], dAct = new float[rows * It], dGu = new float[rows * M2], dx = new float[n], dh = new float[n];
        Transpose.forward(dO, 0, dOut, 0, B, L, D);
        AddRmsNorm.backward(dX, 0, dO, 0, o, 0, rstd, 0, rows, L);
        Matmul.backwardWeight(dw2, 0, null, 0, dX, 0, act, 0, rows, It, L);
        Matmul.backwardInput(dAct, 0, dX, 0, w2, 0, rows, It, L, false);
        SwiGlu.backward(dGu, 0, dAct, 0, gu, 0, rows, It);
        Matmul.backwardWeight(dw1, 0, null, 0, dGu, 0, x, 0, rows, L, M2);
        Matmul.backwardInput(dx, 0, dGu, 0, w1, 0, rows, L, M2, false);
        for (int i = 0; i < n; i++) dx[i] += dX[i];
        Transpose.forward(dh, 0, dx, 0, B, D, L);

        long gH = s.upload(h), gW1 = s.upload(w1), gW2 = s.upload(w2);
        long gOut = s.poisoned(n), gRstd = s.poisoned(rows), gGu = s.poisoned((long) B * M2 * D), gAct = s.poisoned((long) B * It * D);
        Mixer.forward(s.rt, gOut, gRstd, gGu, gAct, gH, gW1, gW2, B, L, D, It, EPS);
        long gDh = s.poisoned(n), gDGu = s.poisoned((long) B * M2 * D);
        long ws = splits > 1 ? s.poisoned(Mixer.workspaceFloats(L, It, splits)) : 0;
        Mixer.backward(s.rt, gDh, gDw1, gDw2, s.upload(dOut), gH, gGu, gAct, gOut, gRstd, gW1, gW2, gDGu, ws, splits, B, L, D, It);
        String name = "B=" + B + " L=" + L + " D=" + D + " It=" + It + " splits=" + splits;
        check("mixer fwd out " + name, s.download(gOut, n), out, BF16_BOUND);
        check("mixer bwd dh " + name, s.download(gDh, n), dh, BF16_BOUND);
        check("mixer bwd dw1 " + name, s.download(gDw1, M2 * L), dw1, BF16_BOUND);
        check("mixer bwd dw2 " + name, s.download(gDw2, L * It), dw2, BF16_BOUND);
    }

    @Test void tokenMixingBlock() { blockCase(2, 97, 64, 48, 1); }

    @Test void tokenMixingBlockOddSizesSplitK() { blockCase(3, 33, 40, 24, 2); }
}
