package trm.kernels;

import trm.kernels.runtime.Devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import trm.engine.DType;
import trm.engine.Device;
import trm.engine.LossKind;
import trm.engine.Ops;
import trm.engine.Tensor;
import trm.engine.cpu.CpuDevice;

/**
 * Residency: the device-side part of a training step that needs no GEMM (slot refill, carry
 * reset, embedding, a norm standing in for the recursion, q head, lm loss, halt loss, their
 * backward, AdamATan2, SignSGD, EMA, halting, metrics) copies nothing between host and device.
 * The only transfers are the explicit uploads of fresh samples (3 per step) and the metrics read
 * every K steps. The same steps on the cpu reference give the same metrics.
 */
class ResidencyTest {
    static final int B = 4, P = 2, S = 81, L = P + S, D = 64, V = 11, IDS = 9, NDIM = 2 * D, STEPS = 12, K = 4, MAX_STEPS = 3;

    /** Metrics read every K steps, plus the transfers counted during the loop. */
    record Run(List<float[]> metrics, long transfers) {}

    static Run run(Device d) {
        Ops o = d.ops();
        Layers layers = Layers.of(d);
        Random rnd = new Random(7);
        // parameters: token table, positions, q head weight and bias in one flat buffer; the puzzle table apart
        int nTok = V * D, nPos = L * D, nQw = 2 * D, nParams = nTok + nPos + nQw + 2;
        float[] init = new float[nParams];
        for (int i = 0; i < nParams; i++) init[i] = (rnd.nextFloat() * 2 - 1) * 0.1f;
        Tensor params = d.tensor(init, nParams), grads = d.allocate(DType.F32, nParams);
        Tensor m = d.allocate(DType.F32, nParams), v = d.allocate(DType.F32, nParams), shadow = d.allocate(DType.F32, nParams);
        o.copy(shadow, params);
        Tensor tok = params.slice(0, V, D), pos = params.slice(nTok, L, D), qw = params.slice(nTok + nPos, 2, D),
                qb = params.slice(nTok + nPos + nQw, 2);
        Tensor dTok = grads.slice(0, V, D), dPos = grads.slice(nTok, L, D), dQw = grads.slice(nTok + nPos, 2, D),
                dQb = grads.slice(nTok + nPos + nQw, 2);
        float[] pz = new float[IDS * NDIM];
        for (int i = 0; i < pz.length; i++) pz[i] = (rnd.nextFloat() * 2 - 1) * 0.1f;
        Tensor puzzle = d.tensor(pz, IDS, NDIM);
        float[] hInit = new float[D], lInit = new float[D];
        for (int i = 0; i < D; i++) { hInit[i] = rnd.nextFloat() - 0.5f; lInit[i] = rnd.nextFloat() - 0.5f; }
        Tensor hI = d.tensor(hInit, D), lI = d.tensor(lInit, D);
        float[] lg = new float[B * L * V];
        for (int i = 0; i < lg.length; i++) lg[i] = rnd.nextFloat() * 4 - 2;
        Tensor logits = d.tensor(lg, B, L, V);

        Tensor halted = d.tensor(new int[] {1, 1, 1, 1}, B), steps = d.allocate(DType.I32, B);
        Tensor tokens = d.allocate(DType.I32, B, S), labels = d.allocate(DType.I32, B, S), ids = d.allocate(DType.I32, B);
        Tensor freshTokens = d.allocate(DType.I32, B, S), freshLabels = d.allocate(DType.I32, B, S), freshIds = d.allocate(DType.I32, B);
        Tensor y = d.allocate(DType.F32, B, L, D), z = d.allocate(DType.F32, B, L, D), x = d.allocate(DType.F32, B, L, D);
        Tensor rstd = d.allocate(DType.F32, B, L), dy = d.allocate(DType.F32, B, L, D), dx = d.allocate(DType.F32, B, L, D);
        Tensor q = d.allocate(DType.F32, B, 2), dq = d.allocate(DType.F32, B, 2), dLogits = d.allocate(DType.F32, B, L, V);
        Tensor stats = d.allocate(DType.F32, B, Ops.Stat.COLUMNS), dRows = d.allocate(DType.F32, B, NDIM);
        Tensor metrics = d.allocate(DType.F32, Ops.Metric.COLUMNS);
        d.synchronize();

        List<float[]> read = new ArrayList<>();
        long before = d.transfers();
        for (int step = 1; step <= STEPS; step++) {
            int[] ht = new int[B * S], hl = new int[B * S], hid = new int[B];
            for (int i = 0; i < ht.length; i++) { ht[i] = 1 + rnd.nextInt(V - 1); hl[i] = rnd.nextInt(4) == 0 ? 0 : 1 + rnd.nextInt(V - 1); }
            for (int b = 0; b < B; b++) hid[b] = rnd.nextInt(IDS);
            d.upload(freshTokens, ht);
            d.upload(freshLabels, hl);
            d.upload(freshIds, hid);
            o.selectRows(halted, tokens, freshTokens);
            o.selectRows(halted, labels, freshLabels);
            o.selectRows(halted, ids, freshIds);
            o.resetCarry(halted, y, z, hI, lI, steps);

            o.embed(x, tokens, ids, tok, puzzle, pos, P, (float) Math.sqrt(D));
            layers.addRmsNorm(y, rstd, y, x, 1e-5f);          // stands in for the recursion (which needs GEMMs)
            o.qHead(q, y, qw, qb);
            // logits = 0.5 + a slice of a second embedding: they move with the step (no lm_head GEMM yet)
            o.fill(logits, 0.5f);
            o.embed(x, tokens, ids, tok, puzzle, pos, P, 1f);
            o.add(logits.view(B * L * V), logits.view(B * L * V), x.view(B * L * D).slice(0, B * L * V));

            o.lmLoss(LossKind.STABLEMAX, dLogits, stats, logits, labels, P, 1f / B);
            o.haltLoss(dq, stats, q, 1f / B);
            o.fill(grads, 0f);
            o.fill(dy, 0f);
            o.qHeadBackward(dy, dQw, dQb, dq, y, qw);
            layers.addRmsNormBackward(dx, dy, y, rstd);
            o.embedBackward(dx, tokens, dTok, dRows, dPos, P, (float) Math.sqrt(D), true);

            o.adamAtan2(params, grads, m, v, 1e-2f, 0.1f, 0.9f, 0.95f, step);
            o.signSgd(puzzle, dRows, ids, 1e-2f, 0.1f);
            o.ema(shadow, params, 0.999f);
            o.haltUpdate(halted, steps, q, MAX_STEPS, 0.1f, true, 99L, step);
            o.accumulateMetrics(metrics, stats, halted, steps);
            if (step % K == 0) {
                read.add(d.toFloats(metrics));
                o.fill(metrics, 0f);
            }
        }
        d.synchronize();
        return new Run(read, d.transfers() - before);
    }

    @Test
    @ExtendWith(Devices.NeedsSim.class)
    void onSim() {
        try (KernelDevice d = KernelDevice.sim()) {
            check(run(d));
        }
    }

    @Test
    @ExtendWith(Devices.NeedsCuda.class)
    void onCuda() {
        try (KernelDevice d = KernelDevice.cuda(0)) {
            check(run(d));
        }
    }

    /** Zero copies besides samples and metrics; metrics as on the cpu. */
    static void check(Run dev) {
        assertEquals(3L * STEPS + STEPS / K, dev.transfers(), "host<->device copies: 3 uploads per step + one metrics read per " + K + " steps");
        Run cpu = run(new CpuDevice());
        assertEquals(cpu.transfers(), dev.transfers());
        assertTrue(dev.metrics().stream().mapToDouble(m -> m[Ops.Metric.COUNT]).sum() >= B * STEPS / MAX_STEPS,
                "slots halted and were refilled");
        for (int i = 0; i < cpu.metrics().size(); i++) {
            float[] c = cpu.metrics().get(i), k = dev.metrics().get(i);
            assertEquals(B * K, k[Ops.Metric.SAMPLES]);
            for (int j = 0; j < c.length; j++) {
                assertTrue(Float.isFinite(k[j]), "metric " + j + " read " + i + ": " + k[j]);
                assertEquals(c[j], k[j], 1e-4 * Math.max(1, Math.abs(c[j])), "metric " + j + " read " + i);
            }
            // counts of halted slots, exact answers and steps are decisions: exact
            assertEquals(c[Ops.Metric.COUNT], k[Ops.Metric.COUNT], "halted slots, read " + i);
            assertEquals(c[Ops.Metric.STEPS], k[Ops.Metric.STEPS], "steps, read " + i);
        }
    }
}
