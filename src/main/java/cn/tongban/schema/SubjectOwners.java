package cn.tongban.schema;

import java.util.Optional;

/**
 * Who owns a subject: for {@code <resource code>-value} and {@code -key}, the resource's provider.
 * The catalog implements this, so the registry need not know the catalog.
 */
public interface SubjectOwners {

    /** The USCC of the participant that owns the subject, if a resource backs it. */
    Optional<String> ownerOf(String subject);
}
