package cn.tongban.exchange;

import cn.tongban.catalog.Agreement;
import java.util.Optional;

/**
 * 跨省查询: what a synchronous query needs of federation when the resource is a peer
 * platform's — asking that platform, whose hub asks its supplier under the same agreement and
 * answers with the envelope it signed. Implemented by the federation module.
 */
public interface PeerQueries {

    /** The province whose platform supplies the resource, when it is a peer's. */
    Optional<String> homeOf(String resourceCode);

    /**
     * The peer's answer, verified against its anchor and bound to this agreement and demander; an
     * {@link cn.tongban.web.ApiException} (502/503/504 or the peer's refusal) when there is none.
     */
    Envelope ask(String province, Agreement agreement, String key);
}
