package cn.tongban.disputes;

import cn.tongban.web.ApiException;
import cn.tongban.web.ApiException.FieldProblem;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.http.HttpStatus;

/** The edges (the API, the console): this module's refusals as the hub's HTTP-shaped answers. */
public final class DisputeProblems {

    private DisputeProblems() {}

    static <T> T answer(Supplier<T> call) {
        try {
            return call.get();
        } catch (DisputeRefused refused) {
            throw of(refused);
        }
    }

    public static ApiException of(DisputeRefused refused) {
        HttpStatus status = switch (refused.rule().kind()) {
            case NOT_ALLOWED -> HttpStatus.FORBIDDEN;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case INVALID -> HttpStatus.BAD_REQUEST;
            case CONFLICT -> HttpStatus.CONFLICT;
        };
        return new ApiException(
                status,
                refused.getMessage(),
                List.of(new FieldProblem(
                        refused.field(), refused.rule().code(), refused.rule().message())));
    }
}
