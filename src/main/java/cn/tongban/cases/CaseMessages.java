package cn.tongban.cases;

import cn.tongban.web.ApiException;
import java.time.Instant;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON payloads of the CASE and CASE_STATUS messages between platforms. A CASE message is the
 * only place the applicant's ID number and name leave this hub in clear: the owning office must
 * handle the case, and the message is signed and sent only to the owning province's platform.
 */
final class CaseMessages {

    private CaseMessages() {}

    /** 办件转办: the case, its timeline so far, and the forwarding step (its message id is this message's). */
    record Forwarded(
            String serial,
            String receivingProvince,
            CaseRequests.Registration registration,
            List<CaseStep> timeline,
            Instant forwardedAt,
            String forwardedBy) {

        @Override
        public String toString() {
            return "Forwarded[serial=" + serial + "]";
        }
    }

    /** 办件状态: one step the owning office recorded (its message id is this message's). */
    record StatusChanged(String serial, CaseStep step) {}

    static byte[] write(JsonMapper json, Object payload) {
        return json.writeValueAsBytes(payload);
    }

    /** The payload, or a refusal naming it (the sender's fault; the parser's message may quote values). */
    static <T> T read(JsonMapper json, byte[] payload, Class<T> type) {
        try {
            T read = json.readValue(payload, type);
            if (read == null) {
                throw unreadable();
            }
            return read;
        } catch (JacksonException e) {
            throw unreadable();
        }
    }

    private static ApiException unreadable() {
        return ApiException.invalid("payload", "readable", "is not a case message of the expected shape");
    }
}
