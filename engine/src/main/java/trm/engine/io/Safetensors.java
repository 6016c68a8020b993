package trm.engine.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import trm.engine.TrmException;

/**
 * Reads and writes the safetensors format (https://github.com/huggingface/safetensors): an 8-byte
 * little-endian header length N, N bytes of UTF-8 JSON
 * <pre>{"__metadata__": {"k": "v"}, "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}, ...}</pre>
 * then the tensors' little-endian bytes, offsets counted from the end of the header.
 *
 * <p>Writing is deterministic: tensors are laid out by decreasing element size, then by name
 * (so every tensor is aligned to its element size, as the Python library does), metadata keys are
 * sorted, and the header is padded with spaces to a multiple of 8 bytes. Files are replaced
 * atomically ({@link AtomicFiles}).
 *
 * <p>Reading checks everything the format promises and fails with a one-line {@link TrmException}
 * naming the file and the problem. It accepts what the format's reference library (the Rust
 * {@code safetensors} crate, which Python's {@code safetensors} uses) accepts: {@code __metadata__}
 * absent, {@code null} or a string-to-string object; every dtype it knows (the F8/F6/F4 and C64
 * ones as raw bytes); keys of a tensor entry beyond dtype, shape and data_offsets ignored;
 * whitespace around the JSON. And it refuses what that library refuses (non-string metadata
 * values, data that does not tile the buffer, packed types not filling whole bytes), plus one
 * thing it lets through: a name given twice in the header (the library keeps one silently).
 * Not supported: a dimension over 2³¹−1 (the library would read one of a zero-sized tensor).
 */
public final class Safetensors {

    /** Largest header accepted when reading (the Python library uses the same bound). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    static final String METADATA_KEY = "__metadata__";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Safetensors() {}

    // ------------------------------------------------------------------ writing

    /** Called after each tensor's bytes are written; a test seam to simulate a failing write. */
    @FunctionalInterface
    interface WriteHook {
        void afterTensor(int index, TensorEntry entry) throws IOException;
    }

    /** Writes {@code file} atomically; the previous file, if any, survives any failure untouched. */
    public static void write(Path file, Map<String, String> metadata, Collection<TensorEntry> tensors) {
        write(file, metadata, tensors, (i, e) -> {});
    }

    static void write(Path file, Map<String, String> metadata, Collection<TensorEntry> tensors, WriteHook hook) {
        Layout layout = layout(metadata, tensors);
        AtomicFiles.write(file, ch -> layout.writeTo(ch, hook));
    }

    /** The exact bytes {@link #write} puts in a file. */
    public static byte[] encode(Map<String, String> metadata, Collection<TensorEntry> tensors) {
        Layout layout = layout(metadata, tensors);
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(layout.totalBytes()));
        out.put(layout.prefix);
        for (TensorEntry t : layout.order) out.put(t.data());
        return out.array();
    }

    private record Layout(byte[] prefix, List<TensorEntry> order, long dataBytes) {
        long totalBytes() { return prefix.length + dataBytes; }

        void writeTo(WritableByteChannel ch, WriteHook hook) throws IOException {
            writeFully(ch, ByteBuffer.wrap(prefix));
            for (int i = 0; i < order.size(); i++) {
                writeFully(ch, ByteBuffer.wrap(order.get(i).data()));
                hook.afterTensor(i, order.get(i));
            }
        }
    }

    private static Layout layout(Map<String, String> metadata, Collection<TensorEntry> tensors) {
        List<TensorEntry> order = new ArrayList<>(tensors.size());
        Set<String> names = new HashSet<>();
        for (TensorEntry t : tensors) {
            if (t == null) throw new TrmException("null tensor in the list to write");
            if (t.name().equals(METADATA_KEY)) throw new TrmException("tensor name " + METADATA_KEY + " is reserved");
            if (!names.add(t.name())) throw new TrmException("duplicate tensor name " + t.name());
            order.add(t);
        }
        order.sort(Comparator.comparingInt((TensorEntry t) -> -t.dtype().bytes()).thenComparing(TensorEntry::name));

        ObjectNode header = JsonNodeFactory.instance.objectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject(METADATA_KEY);
            for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
                if (e.getValue() == null) throw new TrmException("metadata " + e.getKey() + " has no value");
                meta.put(e.getKey(), e.getValue());
            }
        }
        long offset = 0;
        for (TensorEntry t : order) {
            ObjectNode node = header.putObject(t.name());
            node.put("dtype", t.dtype().formatName());
            ArrayNode shape = node.putArray("shape");
            for (int d : t.shapeView()) shape.add(d);
            node.putArray("data_offsets").add(offset).add(offset + t.data().length);
            offset += t.data().length;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
        int padded = (json.length + 7) & ~7;
        byte[] prefix = new byte[8 + padded];
        ByteBuffer.wrap(prefix).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
        System.arraycopy(json, 0, prefix, 8, json.length);
        Arrays.fill(prefix, 8 + json.length, prefix.length, (byte) ' ');
        return new Layout(prefix, List.copyOf(order), offset);
    }

    private static void writeFully(WritableByteChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

    // ------------------------------------------------------------------ reading

    /** Reads a whole safetensors file; TrmException naming the file and the problem if it is not one. */
    public static SafetensorsFile read(Path file) {
        String src = file.toString();
        if (Files.isDirectory(file)) throw new TrmException(src + ": is a folder, not a safetensors file");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return parse(src, new Source() {
                @Override public long size() throws IOException { return ch.size(); }

                @Override public void read(long pos, byte[] dst) throws IOException {
                    ByteBuffer b = ByteBuffer.wrap(dst);
                    while (b.hasRemaining()) {
                        int n = ch.read(b, pos + b.position());
                        if (n < 0) throw new TrmException(src + ": file shrank while being read");
                    }
                }
            });
        } catch (NoSuchFileException e) {
            throw new TrmException(src + ": no such file");
        } catch (IOException e) {
            throw new TrmException(src + ": cannot read (" + AtomicFiles.describe(e) + ")", e);
        }
    }

    /** Parses safetensors bytes held in memory; {@code source} names them in messages. */
    public static SafetensorsFile decode(byte[] bytes, String source) {
        try {
            return parse(source, new Source() {
                @Override public long size() { return bytes.length; }

                @Override public void read(long pos, byte[] dst) {
                    System.arraycopy(bytes, (int) pos, dst, 0, dst.length);
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("in-memory read failed", e);
        }
    }

    private interface Source {
        long size() throws IOException;

        void read(long pos, byte[] dst) throws IOException;
    }

    /** An entry of the header before its bytes are read. */
    private record Planned(String name, SafetensorsDType dtype, int[] shape, long begin, long end) {}

    private static SafetensorsFile parse(String src, Source in) throws IOException {
        long size = in.size();
        if (size < 8) {
            throw new TrmException(src + ": file is " + size + " bytes, shorter than the 8-byte header length");
        }
        byte[] lenBytes = new byte[8];
        in.read(0, lenBytes);
        long headerLen = ByteBuffer.wrap(lenBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLen < 0 || headerLen > MAX_HEADER_BYTES) {
            throw new TrmException(src + ": header length " + Long.toUnsignedString(headerLen)
                    + " is over the limit of " + MAX_HEADER_BYTES + " bytes (not a safetensors file?)");
        }
        if (8 + headerLen > size) {
            throw new TrmException(src + ": header length " + headerLen + " runs past the end of the file ("
                    + size + " bytes)");
        }
        byte[] headerBytes = new byte[(int) headerLen];
        in.read(8, headerBytes);
        JsonNode header = parseHeader(src, headerBytes);

        Map<String, String> metadata = new LinkedHashMap<>();
        List<Planned> planned = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : header.properties()) {
            String name = field.getKey();
            JsonNode node = field.getValue();
            if (name.equals(METADATA_KEY)) {
                readMetadata(src, node, metadata);
            } else {
                planned.add(readEntry(src, name, node));
            }
        }

        // Data must tile [0, end) exactly: no overlap, no gap.
        List<Planned> byOffset = new ArrayList<>(planned);
        byOffset.sort(Comparator.comparingLong(Planned::begin).thenComparingLong(Planned::end));
        long cursor = 0;
        Planned prev = null;
        for (Planned p : byOffset) {
            if (p.begin < cursor) {
                throw new TrmException(src + ": tensors " + prev.name + " and " + p.name + " overlap (" + prev.name
                        + " ends at data byte " + cursor + ", " + p.name + " begins at " + p.begin + ")");
            }
            if (p.begin > cursor) {
                throw new TrmException(src + ": gap of " + (p.begin - cursor) + " unused data bytes before tensor "
                        + p.name + " (data_offsets must be contiguous)");
            }
            cursor = p.end;
            prev = p;
        }
        long dataStart = 8 + headerLen;
        long available = size - dataStart;
        if (cursor > available) {
            throw new TrmException(src + ": file is truncated: tensor " + prev.name + " ends at data byte " + cursor
                    + " but only " + available + " data bytes follow the header");
        }
        if (cursor < available) {
            throw new TrmException(src + ": " + (available - cursor) + " bytes of trailing garbage after the last tensor"
                    + " (data ends at byte " + (dataStart + cursor) + " of " + size + ")");
        }

        LinkedHashMap<String, TensorEntry> tensors = new LinkedHashMap<>();
        for (Planned p : byOffset) {
            byte[] data = new byte[(int) (p.end - p.begin)];
            in.read(dataStart + p.begin, data);
            tensors.put(p.name, new TensorEntry(p.name, p.dtype, p.shape, data));
        }
        return new SafetensorsFile(src, metadata, tensors);
    }

    private static JsonNode parseHeader(String src, byte[] headerBytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(headerBytes)).toString();
        } catch (CharacterCodingException e) {
            throw new TrmException(src + ": header is not valid UTF-8");
        }
        if (text.isBlank()) throw new TrmException(src + ": header is empty (expected a JSON object)");
        JsonNode header;
        try {
            header = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            String why = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("");
            long at = e.getLocation() == null ? -1 : e.getLocation().getCharOffset();
            throw new TrmException(src + ": header is not valid JSON (" + why + (at >= 0 ? " at char " + at : "") + ")");
        }
        if (header == null || !header.isObject()) {
            throw new TrmException(src + ": header is not a JSON object");
        }
        return header;
    }

    private static void readMetadata(String src, JsonNode node, Map<String, String> out) {
        if (node.isNull()) return; // the reference library reads it as "no metadata" (an Option)
        if (!node.isObject()) throw new TrmException(src + ": " + METADATA_KEY + " is not a JSON object");
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw new TrmException(src + ": " + METADATA_KEY + " value of " + e.getKey() + " is not a string");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
    }

    private static Planned readEntry(String src, String name, JsonNode node) {
        String where = src + ": tensor " + name;
        if (!node.isObject()) throw new TrmException(where + " is not described by a JSON object");
        JsonNode dtypeNode = node.get("dtype");
        JsonNode shapeNode = node.get("shape");
        JsonNode offsetsNode = node.get("data_offsets");
        if (dtypeNode == null) throw new TrmException(where + " has no dtype");
        if (shapeNode == null) throw new TrmException(where + " has no shape");
        if (offsetsNode == null) throw new TrmException(where + " has no data_offsets");
        if (!dtypeNode.isTextual()) throw new TrmException(where + ": dtype is not a string");
        SafetensorsDType dtype = SafetensorsDType.fromFormatName(dtypeNode.textValue()).orElseThrow(
                () -> new TrmException(where + " has unknown dtype \"" + dtypeNode.textValue() + "\""));

        if (!shapeNode.isArray()) throw new TrmException(where + ": shape is not an array");
        int[] shape = new int[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber()) throw new TrmException(where + ": shape " + shapeNode + " holds a non-integer");
            if (d.bigIntegerValue().signum() < 0) {
                throw new TrmException(where + " has a negative dimension in shape " + shapeNode);
            }
            if (!d.canConvertToInt()) throw new TrmException(where + ": dimension " + d + " in shape is too large");
            shape[i] = d.intValue();
        }

        if (!offsetsNode.isArray() || offsetsNode.size() != 2) {
            throw new TrmException(where + ": data_offsets " + offsetsNode + " is not a [begin, end] pair");
        }
        long[] be = new long[2];
        for (int i = 0; i < 2; i++) {
            JsonNode o = offsetsNode.get(i);
            if (!o.isIntegralNumber() || o.bigIntegerValue().signum() < 0 || !o.canConvertToLong()) {
                throw new TrmException(where + ": data_offsets " + offsetsNode + " must be two non-negative integers");
            }
            be[i] = o.longValue();
        }
        if (be[0] > be[1]) {
            throw new TrmException(where + ": data_offsets " + offsetsNode + " are out of order (begin after end)");
        }
        long need;
        try {
            need = TensorEntry.byteSize(name, dtype, shape);
        } catch (TrmException e) {
            throw new TrmException(src + ": " + e.getMessage());
        }
        if (be[1] - be[0] != need) {
            throw new TrmException(where + ": data_offsets " + offsetsNode + " span " + (be[1] - be[0])
                    + " bytes but shape " + Arrays.toString(shape) + " of " + dtype + " needs " + need);
        }
        return new Planned(name, dtype, shape, be[0], be[1]);
    }
}
