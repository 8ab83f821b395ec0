package cn.tongban.console;

import cn.tongban.catalog.ParticipantRegistry;
import cn.tongban.security.Actor;
import cn.tongban.web.ApiException;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.ui.Model;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import org.springframework.web.util.UriComponents;

/**
 * What every catalog tab shows around its table: the tabs, whose lists these are and the names
 * of participants. A department administrator sees its own participant's; a platform
 * administrator chooses one, or sees everyone's.
 */
@Component
class CatalogPages {

    private final ParticipantRegistry registry;
    private final ParticipantNames names;

    CatalogPages(ParticipantRegistry registry, ParticipantNames names) {
        this.registry = registry;
        this.names = names;
    }

    /** The participant whose lists are shown, or null for everyone's (platform administrators only). */
    static String scope(Actor actor, String uscc) {
        if (actor.isPlatformAdmin()) {
            return blankToNull(uscc);
        }
        return actor.participantUscc();
    }

    void frame(Model model, Actor actor, String tab, String scope) {
        model.addAttribute("tab", tab);
        model.addAttribute("scope", scope);
        model.addAttribute("names", names());
        model.addAttribute("pageBase", withoutPage());
        if (actor.isPlatformAdmin()) {
            model.addAttribute("choices", registry.list(null));
        }
    }

    /** This page's path and query less its page number, for the pager's links. */
    private static String withoutPage() {
        UriComponents here = ServletUriComponentsBuilder.fromCurrentRequest()
                .replaceQueryParam("page")
                .build();
        return here.getQuery() == null ? here.getPath() : here.getPath() + "?" + here.getQuery();
    }

    Map<String, String> names() {
        return names.byUscc();
    }

    /** A filter's choice, or none with the refusal noted beside the filter (a URL edited by hand). */
    static <E extends Enum<E>> E choice(Class<E> type, String field, String value, Map<String, String> errors) {
        try {
            return FormProblems.parse(type, field, value);
        } catch (ApiException e) {
            errors.putAll(FormProblems.byField(e));
            return null;
        }
    }

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
