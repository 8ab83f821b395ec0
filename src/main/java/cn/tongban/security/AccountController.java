package cn.tongban.security;

import jakarta.validation.Valid;
import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Platform logins (administrators, auditors, operators) and who the caller is. */
@RestController
@RequestMapping("/api/security")
class AccountController {

    private final Accounts accounts;

    AccountController(Accounts accounts) {
        this.accounts = accounts;
    }

    @GetMapping("/me")
    Actor me() {
        return CurrentActor.get();
    }

    @PostMapping("/accounts")
    ResponseEntity<Accounts.PersonView> create(@Valid @RequestBody Accounts.PersonRequest request) {
        Accounts.PersonView created = accounts.createPerson(null, request, CurrentActor.get());
        return ResponseEntity.created(URI.create("/api/security/accounts/" + created.username()))
                .body(created);
    }

    /** Lifts a login's lock after repeated wrong passwords (platform administrators). */
    @PostMapping("/accounts/{username}/unlock")
    ResponseEntity<Void> unlock(@PathVariable String username) {
        accounts.unlock(username, CurrentActor.get());
        return ResponseEntity.noContent().build();
    }
}
