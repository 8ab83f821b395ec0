package cn.tongban.catalog;

import cn.tongban.security.CurrentActor;
import cn.tongban.security.SystemKeys;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** A participant's system keys for signed requests, and whether it requires them (docs/signed-requests.md). */
@RestController
@RequestMapping("/api/catalog/participants/{uscc}")
class SystemKeyController {

    private final ParticipantRegistry registry;
    private final SystemKeys keys;

    SystemKeyController(ParticipantRegistry registry, SystemKeys keys) {
        this.registry = registry;
        this.keys = keys;
    }

    @GetMapping("/system-keys")
    List<SystemKeys.KeyView> list(@PathVariable String uscc) {
        registry.get(uscc);
        return keys.list(uscc, CurrentActor.get());
    }

    @PostMapping("/system-keys")
    ResponseEntity<SystemKeys.KeyView> register(
            @PathVariable String uscc, @Valid @RequestBody SystemKeys.KeyRequest request) {
        registry.get(uscc);
        SystemKeys.KeyView key = keys.register(uscc, request, CurrentActor.get());
        return ResponseEntity.created(URI.create("/api/catalog/participants/" + uscc + "/system-keys/" + key.keyId()))
                .body(key);
    }

    @DeleteMapping("/system-keys/{keyId}")
    ResponseEntity<Void> revoke(@PathVariable String uscc, @PathVariable String keyId) {
        keys.revoke(uscc, keyId, CurrentActor.get());
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/authentication")
    SystemKeys.AuthenticationSettings authentication(@PathVariable String uscc) {
        registry.get(uscc);
        return keys.authentication(uscc, CurrentActor.get());
    }

    @PutMapping("/authentication")
    SystemKeys.AuthenticationSettings setAuthentication(
            @PathVariable String uscc, @Valid @RequestBody SystemKeys.AuthenticationSettings settings) {
        registry.get(uscc);
        return keys.setAuthentication(uscc, settings, CurrentActor.get());
    }
}
