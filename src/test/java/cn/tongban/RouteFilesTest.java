package cn.tongban;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Routes are orchestration only: every file in routes/ names its route and stubs nothing. */
class RouteFilesTest {

    @Test
    void everyRouteHasAnIdMatchingItsFileAndNoMockEndpoint() throws IOException {
        List<Path> files;
        try (Stream<Path> listed = Files.list(Path.of("routes"))) {
            files = listed.filter(p -> p.toString().endsWith(".camel.yaml")).toList();
        }
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            String text = Files.readString(file);
            String stem = file.getFileName().toString().replace(".camel.yaml", "");
            assertThat(text).as(file + " uses no mock: endpoint").doesNotContain("mock:");
            if (text.contains("- route:")) {
                assertThat(text).as(file + " declares its id").contains("id: " + stem);
            } else {
                assertThat(text).as(file + " declares an id").containsPattern("(?m)^\\s+id: \\S+");
            }
        }
    }
}
