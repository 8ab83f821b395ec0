package cn.tongban.console;

import cn.tongban.catalog.Participant;
import cn.tongban.catalog.ParticipantRegistry;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.web.context.annotation.RequestScope;

/**
 * People read participants by name, not by their 统一社会信用代码. Pages call
 * {@code ${@participantNames.of(uscc)}}; the names are read once per request, so a table of fifty
 * ledger events costs one query, not fifty. A code the catalog does not know (another province's
 * participant) is shown as it is.
 */
@Component("participantNames")
@RequestScope
public class ParticipantNames {

    private final ParticipantRegistry registry;
    private Map<String, String> names;

    ParticipantNames(ParticipantRegistry registry) {
        this.registry = registry;
    }

    public String of(String uscc) {
        if (uscc == null || uscc.isBlank()) {
            return "";
        }
        return byUscc().getOrDefault(uscc, uscc);
    }

    /** Every participant's name by USCC, in the registry's order. */
    Map<String, String> byUscc() {
        if (names == null) {
            Map<String, String> read = new LinkedHashMap<>();
            for (Participant p : registry.list(null)) {
                read.put(p.uscc(), p.name());
            }
            names = Collections.unmodifiableMap(read);
        }
        return names;
    }
}
