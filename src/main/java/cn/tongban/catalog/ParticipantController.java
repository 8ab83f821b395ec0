package cn.tongban.catalog;

import cn.tongban.security.Accounts;
import cn.tongban.security.CurrentActor;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/catalog/participants")
class ParticipantController {

    private final ParticipantRegistry registry;
    private final Accounts accounts;

    ParticipantController(ParticipantRegistry registry, Accounts accounts) {
        this.registry = registry;
        this.accounts = accounts;
    }

    @GetMapping
    List<Participant> list(@RequestParam(required = false) ParticipantKind kind) {
        CurrentActor.get();
        return registry.list(kind);
    }

    @PostMapping
    ResponseEntity<Participant> register(@Valid @RequestBody ParticipantRegistry.ParticipantRequest request) {
        Participant participant = registry.register(request, CurrentActor.get());
        return ResponseEntity.created(URI.create("/api/catalog/participants/" + participant.uscc()))
                .body(participant);
    }

    @GetMapping("/{uscc}")
    Participant get(@PathVariable String uscc) {
        CurrentActor.get();
        return registry.get(uscc);
    }

    @PutMapping("/{uscc}")
    Participant update(@PathVariable String uscc, @Valid @RequestBody ParticipantRegistry.ParticipantRequest request) {
        return registry.update(uscc, request, CurrentActor.get());
    }

    @GetMapping("/{uscc}/endpoints")
    List<Endpoint> endpoints(@PathVariable String uscc) {
        CurrentActor.get();
        return registry.endpoints(uscc);
    }

    @PostMapping("/{uscc}/endpoints")
    ResponseEntity<Endpoint> addEndpoint(
            @PathVariable String uscc, @Valid @RequestBody ParticipantRegistry.EndpointRequest request) {
        Endpoint endpoint = registry.addEndpoint(uscc, request, CurrentActor.get());
        return ResponseEntity.created(URI.create("/api/catalog/participants/" + uscc + "/endpoints/" + endpoint.id()))
                .body(endpoint);
    }

    @DeleteMapping("/{uscc}/endpoints/{id}")
    ResponseEntity<Void> removeEndpoint(@PathVariable String uscc, @PathVariable UUID id) {
        registry.removeEndpoint(uscc, id, CurrentActor.get());
        return ResponseEntity.noContent().build();
    }

    /** Creates a login for one of the participant's people (administrator or approver). */
    @PostMapping("/{uscc}/accounts")
    ResponseEntity<Accounts.PersonView> createAccount(
            @PathVariable String uscc, @Valid @RequestBody Accounts.PersonRequest request) {
        registry.get(uscc);
        Accounts.PersonView created = accounts.createPerson(uscc, request, CurrentActor.get());
        return ResponseEntity.created(
                        URI.create("/api/catalog/participants/" + uscc + "/accounts/" + created.username()))
                .body(created);
    }

    @GetMapping("/{uscc}/credentials")
    List<Accounts.CredentialView> credentials(@PathVariable String uscc) {
        registry.get(uscc);
        return accounts.systemCredentials(uscc, CurrentActor.get());
    }

    /** Issues a system credential; the secret is in this answer only. */
    @PostMapping("/{uscc}/credentials")
    ResponseEntity<Accounts.IssuedCredential> issueCredential(@PathVariable String uscc) {
        registry.get(uscc);
        Accounts.IssuedCredential issued = accounts.issueSystemCredential(uscc, CurrentActor.get());
        return ResponseEntity.created(
                        URI.create("/api/catalog/participants/" + uscc + "/credentials/" + issued.keyId()))
                .body(issued);
    }

    @DeleteMapping("/{uscc}/credentials/{keyId}")
    ResponseEntity<Void> revokeCredential(@PathVariable String uscc, @PathVariable String keyId) {
        accounts.revokeSystemCredential(uscc, keyId, CurrentActor.get());
        return ResponseEntity.noContent().build();
    }
}
