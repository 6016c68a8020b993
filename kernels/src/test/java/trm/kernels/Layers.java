package trm.kernels;

import trm.engine.DType;
import trm.engine.Device;
import trm.engine.Tensor;
import trm.engine.cpu.AddRmsNorm;
import trm.engine.cpu.Attention;
import trm.engine.cpu.CpuDevice;
import trm.engine.cpu.Rope;
import trm.engine.cpu.SwiGlu;
import trm.engine.cpu.Transpose;

/**
 * The finer layers the devices compose inside the half-blocks, which are not part of
 * {@link trm.engine.Ops}, on either side of a parity check: on the cpu the layer classes of
 * {@code trm.engine.cpu}; on a kernel device {@link KernelOps}'s package-private helpers
 * (add + RMSNorm, the attention core) or the test set's standalone kernels (SwiGLU, RoPE,
 * transpose: production fuses or avoids them), which need a runtime that also holds
 * {@link trm.kernels.runtime.Devices#TEST}.
 */
interface Layers {
    void transpose(Tensor out, Tensor in);

    void swiglu(Tensor out, Tensor gateUp);

    void swigluBackward(Tensor dGateUp, Tensor dOut, Tensor gateUp);

    void addRmsNorm(Tensor out, Tensor rstd, Tensor a, Tensor b, float eps);

    void addRmsNormBackward(Tensor dIn, Tensor dOut, Tensor out, Tensor rstd);

    void rope(Tensor qkv, Tensor cos, Tensor sin, int heads);

    void ropeBackward(Tensor dqkv, Tensor cos, Tensor sin, int heads);

    /** saved: what the device's {@code attentionSaveShape} says (probabilities on the cpu, log-sum-exp on kernels). */
    void attention(Tensor out, Tensor saved, Tensor qkv, int heads);

    void attentionBackward(Tensor dqkv, Tensor dOut, Tensor out, Tensor qkv, Tensor saved, int heads);

    static Layers of(Device d) {
        if (d instanceof KernelDevice k) return new OnKernels(k);
        if (d instanceof CpuDevice) return new OnCpu();
        throw new IllegalArgumentException("no layers for " + d.name());
    }

    final class OnCpu implements Layers {
        @Override public void transpose(Tensor out, Tensor in) { Transpose.forward(out, in); }

        @Override public void swiglu(Tensor out, Tensor gateUp) { SwiGlu.forward(out, gateUp); }

        @Override public void swigluBackward(Tensor dGateUp, Tensor dOut, Tensor gateUp) { SwiGlu.backward(dGateUp, dOut, gateUp); }

        @Override public void addRmsNorm(Tensor out, Tensor rstd, Tensor a, Tensor b, float eps) { AddRmsNorm.forward(out, rstd, a, b, eps); }

        @Override public void addRmsNormBackward(Tensor dIn, Tensor dOut, Tensor out, Tensor rstd) { AddRmsNorm.backward(dIn, dOut, out, rstd); }

        @Override public void rope(Tensor qkv, Tensor cos, Tensor sin, int heads) { Rope.forward(qkv, cos, sin, heads); }

        @Override public void ropeBackward(Tensor dqkv, Tensor cos, Tensor sin, int heads) { Rope.backward(dqkv, cos, sin, heads); }

        @Override public void attention(Tensor out, Tensor saved, Tensor qkv, int heads) { Attention.forward(out, saved, qkv, heads); }

        @Override public void attentionBackward(Tensor dqkv, Tensor dOut, Tensor out, Tensor qkv, Tensor saved, int heads) {
            Attention.backward(dqkv, dOut, qkv, saved, heads);
        }
    }

    final class OnKernels implements Layers {
        private final KernelDevice dev;
        private final KernelOps ops;

        OnKernels(KernelDevice dev) {
            this.dev = dev;
            this.ops = (KernelOps) dev.ops();
        }

        private long f(Tensor t) {
            if (t.dtype() != DType.F32) throw new IllegalArgumentException("expected fp32, got " + t);
            return dev.address(t);
        }

        private static int rows(Tensor t) { return Math.toIntExact(t.numel() / t.dim(-1)); }

        @Override public void transpose(Tensor out, Tensor in) {
            if (out.numel() != in.numel()) throw new IllegalArgumentException("transpose: " + in + " → " + out);
            trm.kernels.launch.Transpose.forward(dev.runtime(), f(out), f(in), in.dim(0), in.dim(1), in.dim(2));
        }

        @Override public void swiglu(Tensor out, Tensor gateUp) {
            int I = out.dim(-1);
            if (gateUp.numel() != 2L * rows(out) * I) throw new IllegalArgumentException("swiglu: " + gateUp + " → " + out);
            trm.kernels.launch.SwiGlu.forward(dev.runtime(), f(out), f(gateUp), rows(out), I);
        }

        @Override public void swigluBackward(Tensor dGateUp, Tensor dOut, Tensor gateUp) {
            int I = dOut.dim(-1);
            if (gateUp.numel() != 2L * rows(dOut) * I || dGateUp.numel() != gateUp.numel())
                throw new IllegalArgumentException("swigluBackward: " + dOut + ", " + gateUp + " → " + dGateUp);
            trm.kernels.launch.SwiGlu.backward(dev.runtime(), f(dGateUp), f(dOut), f(gateUp), rows(dOut), I);
        }

        @Override public void addRmsNorm(Tensor out, Tensor rstd, Tensor a, Tensor b, float eps) { ops.addRmsNorm(out, rstd, a, b, eps); }

        @Override public void addRmsNormBackward(Tensor dIn, Tensor dOut, Tensor out, Tensor rstd) { ops.addRmsNormBackward(dIn, dOut, out, rstd); }

        private void rotate(boolean inverse, Tensor x, Tensor cos, Tensor sin, int heads) {
            int B = x.dim(0), L = x.dim(1), hd = cos.dim(1);
            x.expect("qkv", B, L, 3 * heads * hd);
            cos.expect("cos", L, hd);
            sin.expect("sin", L, hd);
            trm.kernels.launch.Rope.rotate(dev.runtime(), inverse, f(x), f(cos), f(sin), B, L, heads, hd);
        }

        @Override public void rope(Tensor qkv, Tensor cos, Tensor sin, int heads) { rotate(false, qkv, cos, sin, heads); }

        @Override public void ropeBackward(Tensor dqkv, Tensor cos, Tensor sin, int heads) { rotate(true, dqkv, cos, sin, heads); }

        @Override public void attention(Tensor out, Tensor saved, Tensor qkv, int heads) { ops.attention(out, saved, qkv, heads); }

        @Override public void attentionBackward(Tensor dqkv, Tensor dOut, Tensor out, Tensor qkv, Tensor saved, int heads) {
            ops.attentionBackward(dqkv, dOut, out, qkv, saved, heads);
        }
    }
}
