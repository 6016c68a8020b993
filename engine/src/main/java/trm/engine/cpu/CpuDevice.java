package trm.engine.cpu;

import trm.engine.DType;
import trm.engine.Device;
import trm.engine.Ops;
import trm.engine.Tensor;
import trm.engine.TrmException;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The reference device: fp32 Java arrays, every op a plain Java layer in this package.
 * "Host" and "device" memory are the same heap, but copies are still counted so that the
 * residency checks read the same on every device.
 */
public final class CpuDevice implements Device {
    private final CpuOps ops = new CpuOps();
    private final AtomicLong transfers = new AtomicLong();
    private final AtomicLong allocations = new AtomicLong();

    @Override public String name() { return "cpu"; }

    @Override
    public Tensor allocate(DType dtype, int... shape) {
        long n = Tensor.numel(shape);
        if (n > Integer.MAX_VALUE - 16)
            throw new TrmException("cpu device: a tensor of " + n + " elements exceeds Java's array limit");
        allocations.incrementAndGet();
        return switch (dtype) {
            case F32 -> new Tensor(this, dtype, shape, new float[(int) n], 0);
            case I32 -> new Tensor(this, dtype, shape, new int[(int) n], 0);
            case BF16 -> throw new TrmException("cpu device computes in fp32 only; bf16 tensors live on cuda and sim");
        };
    }

    @Override
    public void upload(Tensor dst, float[] src) {
        check(dst, src.length);
        System.arraycopy(src, 0, dst.f32(), dst.off(), src.length);
        transfers.incrementAndGet();
    }

    @Override
    public void upload(Tensor dst, int[] src) {
        check(dst, src.length);
        System.arraycopy(src, 0, dst.i32(), dst.off(), src.length);
        transfers.incrementAndGet();
    }

    @Override
    public void download(Tensor src, float[] dst) {
        check(src, dst.length);
        System.arraycopy(src.f32(), src.off(), dst, 0, dst.length);
        transfers.incrementAndGet();
    }

    @Override
    public void download(Tensor src, int[] dst) {
        check(src, dst.length);
        System.arraycopy(src.i32(), src.off(), dst, 0, dst.length);
        transfers.incrementAndGet();
    }

    private void check(Tensor t, int length) {
        if (t.device() != this) throw new IllegalArgumentException(t + " does not belong to this cpu device");
        if (t.numel() != length) throw new IllegalArgumentException("copy of " + length + " elements into " + t);
    }

    @Override public Ops ops() { return ops; }

    @Override public long transfers() { return transfers.get(); }

    @Override public long allocations() { return allocations.get(); }
}
