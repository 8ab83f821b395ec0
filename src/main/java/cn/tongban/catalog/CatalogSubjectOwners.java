package cn.tongban.catalog;

import cn.tongban.catalog.internal.ResourceRepository;
import cn.tongban.schema.SubjectOwners;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/** A resource's subjects ({@code <code>-value}, {@code <code>-key}) belong to its provider. */
@Component
class CatalogSubjectOwners implements SubjectOwners {

    private static final Pattern RESOURCE_SUBJECT = Pattern.compile("^(.+)-(value|key)$");

    private final ResourceRepository resources;

    CatalogSubjectOwners(ResourceRepository resources) {
        this.resources = resources;
    }

    @Override
    public Optional<String> ownerOf(String subject) {
        Matcher matcher = RESOURCE_SUBJECT.matcher(subject);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return resources.find(matcher.group(1)).map(Resource::providerUscc);
    }
}
