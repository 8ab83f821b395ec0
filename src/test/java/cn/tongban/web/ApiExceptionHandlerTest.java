package cn.tongban.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.async.AsyncRequestTimeoutException;
import org.springframework.web.server.ResponseStatusException;

/** The exceptions Spring's base handler answers by itself get the hub's problem types too. */
class ApiExceptionHandlerTest {

    private final ApiExceptionHandler handler = new ApiExceptionHandler();
    private final ServletWebRequest request =
            new ServletWebRequest(new MockHttpServletRequest(), new MockHttpServletResponse());

    @Test
    void aProblemWithoutTypeGetsTheStatusType() throws Exception { // #12: Spring 7 leaves the type null
        ResponseEntity<Object> answer = handler.handleException(new ResponseStatusException(HttpStatus.GONE), request);
        assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.GONE);
        assertThat(((ProblemDetail) answer.getBody()).getType()).isEqualTo(URI.create("urn:tongban:problem:gone"));
    }

    @Test
    void anExplicitAboutBlankIsReplacedAndAnOwnTypeKept() throws Exception {
        ErrorResponseException blank = new ErrorResponseException(HttpStatus.CONFLICT);
        blank.getBody().setType(URI.create("about:blank"));
        assertThat(((ProblemDetail) handler.handleException(blank, request).getBody()).getType())
                .isEqualTo(URI.create("urn:tongban:problem:conflict"));
        ErrorResponseException own = new ErrorResponseException(HttpStatus.CONFLICT);
        own.getBody().setType(URI.create("urn:tongban:problem:stale"));
        assertThat(((ProblemDetail) handler.handleException(own, request).getBody()).getType())
                .isEqualTo(URI.create("urn:tongban:problem:stale"));
    }

    @Test
    void aServerFailureTheBaseHandlerKnowsIsAnIncident() throws Exception {
        ResponseEntity<Object> answer = handler.handleException(new AsyncRequestTimeoutException(), request);
        ProblemDetail body = (ProblemDetail) answer.getBody();
        assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(body.getType()).isEqualTo(URI.create("urn:tongban:problem:internal"));
        assertThat(body.getProperties()).containsKey("incident");
    }
}
