package cn.tongban.exchange;

import cn.tongban.exchange.internal.ExchangeStore;
import cn.tongban.exchange.internal.ExchangeStore.DeliveryRow;
import cn.tongban.signing.DataCipher;
import cn.tongban.signing.HubKeys;
import cn.tongban.signing.MerkleTree;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.springframework.stereotype.Component;

/**
 * Rebuilds the signed envelope of a stored delivery: the outbox keeps only what was signed (the
 * encrypted Avro bytes and the envelope's fields), the projected schema is stored once, and a
 * batch keeps its leaf hashes, from which each envelope's inclusion proof is recomputed.
 */
@Component
public class EnvelopeAssembler {

    private final ExchangeStore store;
    private final DataCipher cipher;
    private final HubKeys keys;
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();
    private final Map<java.util.UUID, SealedTree> trees =
            java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<java.util.UUID, SealedTree> eldest) {
                    return size() > 64;
                }
            });

    EnvelopeAssembler(ExchangeStore store, DataCipher cipher, HubKeys keys) {
        this.store = store;
        this.cipher = cipher;
        this.keys = keys;
    }

    private record SealedTree(ExchangeStore.Seal seal, MerkleTree tree) {}

    public Envelope assemble(DeliveryRow row) {
        String schemaText = store.schema(row.schemaFingerprint())
                .orElseThrow(() -> new IllegalStateException("projection schema missing for a delivery"));
        Schema schema = schemas.computeIfAbsent(row.schemaFingerprint(), k -> new Schema.Parser().parse(schemaText));
        byte[] avro = cipher.decrypt(row.keyId(), row.payloadCipher());
        GenericRecord record;
        try {
            record = new GenericDatumReader<GenericRecord>(schema)
                    .read(null, DecoderFactory.get().binaryDecoder(avro, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Envelope unsigned = new Envelope(
                Envelope.versionFor(row.disputeId()),
                row.idempotencyKey(),
                row.resourceCode(),
                row.agreementId().toString(),
                row.demanderUscc(),
                row.serviceItemCode(),
                row.purpose(),
                row.sourceRecordId(),
                row.disputeId(),
                row.issuedAt(),
                row.schemaFingerprint(),
                schemaText,
                Base64.getEncoder().encodeToString(avro),
                JsonRecords.write(record),
                null);
        // Rows from before key ids were stored were signed with the hub's first key (V9).
        String keyId = row.signingKeyId() != null ? row.signingKeyId() : keys.originalKeyId();
        if (row.leafIndex() == null) {
            return unsigned.withSignature(new Envelope.Signature(
                    "RECORD",
                    "SM3withSM2",
                    "1234567812345678",
                    keyId,
                    Base64.getEncoder().encodeToString(row.recordSignature()),
                    null));
        }
        SealedTree sealed = trees.computeIfAbsent(row.batchId(), id -> {
            ExchangeStore.Seal seal = store.seal(id).orElseThrow(() -> new IllegalStateException("batch seal missing"));
            List<byte[]> leaves = new ArrayList<>(seal.treeSize());
            for (int i = 0; i < seal.treeSize(); i++) {
                leaves.add(java.util.Arrays.copyOfRange(seal.leafHashes(), i * 32, i * 32 + 32));
            }
            return new SealedTree(seal, MerkleTree.ofLeafHashes(leaves));
        });
        HexFormat hex = HexFormat.of();
        List<String> path = sealed.tree().inclusionProof(row.leafIndex()).stream()
                .map(hex::formatHex)
                .toList();
        return unsigned.withSignature(new Envelope.Signature(
                "BATCH",
                "SM3withSM2",
                "1234567812345678",
                keyId,
                Base64.getEncoder().encodeToString(sealed.seal().signature()),
                new Envelope.Batch(
                        row.batchId().toString(),
                        sealed.seal().treeSize(),
                        row.leafIndex(),
                        hex.formatHex(sealed.seal().root()),
                        path,
                        sealed.seal().sealedAt())));
    }
}
