package cn.tongban.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors the servlet container routes to {@code /error} (a filter's {@code sendError}, an exception
 * escaping the filters) answer {@code application/problem+json} too, in place of Spring Boot's default body.
 */
@RestController
class ApiErrorController implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(ApiErrorController.class);

    @RequestMapping("${server.error.path:${error.path:/error}}")
    ResponseEntity<Object> error(HttpServletRequest request) {
        HttpStatus status = status(request);
        ApiException refusal = ApiException.in((Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION));
        if (refusal != null) {
            return ApiExceptionHandler.problem(refusal.status(), refusal.getMessage(), refusal.problems());
        }
        if (status.is5xxServerError() || request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) != null) {
            return ApiExceptionHandler.incident(HttpStatus.INTERNAL_SERVER_ERROR, (Throwable)
                    request.getAttribute(RequestDispatcher.ERROR_EXCEPTION));
        }
        log.debug("refused with {} before the API", status.value());
        ResponseEntity<Object> answer = answer(status);
        if (answer.getBody() instanceof ProblemDetail body) {
            body.setInstance(originalPath(request));
        }
        return answer;
    }

    private static ResponseEntity<Object> answer(HttpStatus status) {
        String detail = status == HttpStatus.NOT_FOUND
                ? "no such path"
                : status.getReasonPhrase().toLowerCase();
        return ApiExceptionHandler.problem(status, detail, List.of());
    }

    /** 404 when {@code /error} is asked for directly. */
    private static HttpStatus status(HttpServletRequest request) {
        if (request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code) {
            HttpStatus status = HttpStatus.resolve(code);
            return status != null && status.isError() ? status : HttpStatus.INTERNAL_SERVER_ERROR;
        }
        return HttpStatus.NOT_FOUND;
    }

    /** The path the client asked for, as other problems name it; not {@code /error}. */
    private static URI originalPath(HttpServletRequest request) {
        Object path = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        try {
            return URI.create(path instanceof String s ? s : request.getRequestURI());
        } catch (IllegalArgumentException notAUri) {
            return null;
        }
    }
}
