package cn.tongban.catalog;

import java.util.Optional;

/**
 * 跨省供给: what the catalog needs of federation — whether a resource is a peer platform's, and
 * the forwarding of a demand for one to that platform, whose provider decides under its own rules
 * and deadline. Implemented by the federation module (the catalog does not depend on it).
 */
public interface RemoteSupply {

    /** The province whose platform supplies the resource, when it is a peer's. */
    Optional<String> homeOf(String resourceCode);

    /** Forwards a demand filed here for a peer's resource, in the filing's transaction. */
    void forward(Demand demand, Resource resource);
}
