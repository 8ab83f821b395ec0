package cn.tongban.consent;

import cn.tongban.security.CurrentActor;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** 授权同意: recorded and revoked by the grantee notary office; read by it, administrators and auditors. */
@RestController
@RequestMapping("/api/consents")
class ConsentController {

    private final ConsentRegistry registry;

    ConsentController(ConsentRegistry registry) {
        this.registry = registry;
    }

    @PostMapping
    ResponseEntity<Consent> record(@Valid @RequestBody ConsentRegistry.ConsentRequest request) {
        Consent consent = ConsentProblems.answer(() -> registry.record(request, CurrentActor.get()));
        return ResponseEntity.created(URI.create("/api/consents/" + consent.id()))
                .body(consent);
    }

    @GetMapping("/{id}")
    Consent get(@PathVariable UUID id) {
        return ConsentProblems.answer(() -> registry.get(id, CurrentActor.get()));
    }

    @PostMapping("/{id}/revoke")
    Consent revoke(@PathVariable UUID id, @Valid @RequestBody ConsentRegistry.RevokeRequest request) {
        return ConsentProblems.answer(() -> registry.revoke(id, request, CurrentActor.get()));
    }
}
