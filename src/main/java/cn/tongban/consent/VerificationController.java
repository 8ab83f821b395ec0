package cn.tongban.consent;

import cn.tongban.security.CurrentActor;
import jakarta.validation.Valid;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** 核验: a notary office's question about one person's record, answered signed (docs/verification.md). */
@RestController
class VerificationController {

    private final VerificationService verifications;

    VerificationController(VerificationService verifications) {
        this.verifications = verifications;
    }

    @PostMapping("/api/verifications")
    Verification verify(@Valid @RequestBody VerificationRequest request) {
        return ConsentProblems.answer(() -> verifications.verify(request, CurrentActor.get()));
    }
}
