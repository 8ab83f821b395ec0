package cn.tongban.exchange;

import cn.tongban.support.Api;
import cn.tongban.support.WebhookServer;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** The exchange test province, for tests outside the exchange package (the ledger's). */
public final class ExchangeProvinceAccess implements AutoCloseable {

    private final ExchangeProvince province;

    public ExchangeProvinceAccess(int port) {
        province = new ExchangeProvince(port);
    }

    public String code() {
        return province.code;
    }

    public String notaryUscc() {
        return province.notary.uscc();
    }

    public String insurerUscc() {
        return province.insurer.uscc();
    }

    public String providerUscc() {
        return province.provider.uscc();
    }

    /** The supplier's system credential (Role SYSTEM of the provider). */
    public Api supplierSystem() {
        return province.supplierSystem;
    }

    /** The provider supplies this resource from a file-drop directory. */
    public void fileDrop(java.nio.file.Path directory) {
        province.endpoint(province.provider, "SUPPLY", "FILE_DROP", directory.toString(), province.code);
    }

    /** The provider supplies this resource as an HTTP change feed the hub pulls. */
    public void pullFeed(String url) {
        province.endpoint(province.provider, "SUPPLY", "HTTP_QUERY", url, province.code);
    }

    public Api providerAdmin() {
        return province.provider.admin();
    }

    public WebhookServer webhook() {
        return province.webhook;
    }

    /** The supplier's system pushes one record of this person. */
    public void push(String sourceRecordId, String idNumber) {
        Api.Reply pushed = province.supplierSystem.post(
                "/api/exchange/intake/" + province.code,
                Map.of("records", List.of(ExchangeProvince.record(sourceRecordId, "陈十三", idNumber))));
        if (pushed.status() != 202) {
            throw new IllegalStateException(pushed.toString());
        }
    }

    /** The supplier's system pushes one batch: the i-th record under the i-th source id is of the i-th person. */
    public void pushBatch(List<String> sourceRecordIds, List<String> idNumbers) {
        List<Map<String, Object>> records = new java.util.ArrayList<>();
        for (int i = 0; i < sourceRecordIds.size(); i++) {
            records.add(ExchangeProvince.record(sourceRecordIds.get(i), "陈十三", idNumbers.get(i)));
        }
        Api.Reply pushed =
                province.supplierSystem.post("/api/exchange/intake/" + province.code, Map.of("records", records));
        if (pushed.status() != 202) {
            throw new IllegalStateException(pushed.toString());
        }
    }

    public void acknowledgeInsurer(List<Long> ids) {
        province.insurer.admin().post("/api/exchange/mailbox/ack", Map.of("ids", ids));
    }

    public List<JsonNode> mailboxOfInsurer() {
        return province.mailbox(province.insurer);
    }

    public void acknowledgeInsurer(long id) {
        province.insurer.admin().post("/api/exchange/mailbox/ack", Map.of("ids", List.of(id)));
    }

    @Override
    public void close() {
        province.close();
    }
}
