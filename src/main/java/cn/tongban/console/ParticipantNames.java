package cn.tongban.console;

import cn.tongban.catalog.Participant;
import cn.tongban.catalog.ParticipantRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Participants' names by USCC, so that pages name organisations rather than show bare codes. A
 * code the registry does not hold (a peer platform's participant) is shown as it is.
 */
@Component
class ParticipantNames {

    private final ParticipantRegistry registry;

    ParticipantNames(ParticipantRegistry registry) {
        this.registry = registry;
    }

    Map<String, String> byUscc() {
        Map<String, String> names = new LinkedHashMap<>();
        for (Participant p : registry.list(null)) {
            names.put(p.uscc(), p.name());
        }
        return names;
    }
}
