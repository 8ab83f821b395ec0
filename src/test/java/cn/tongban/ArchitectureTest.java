package cn.tongban;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

/** Rules that keep the code base in shape; each failing rule fails the build. */
class ArchitectureTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("cn.tongban");

    @Test
    void modulesRespectTheirBoundaries() {
        ApplicationModules.of(TongbanApplication.class).verify();
    }

    /**
     * Personal data and stack traces must not reach stdout or logs by accident. The one console
     * program, the offline bundle verifier, prints its verdict (never personal data: bundles hold none).
     */
    @Test
    void nothingPrintsToTheConsoleOrDumpsStackTraces() {
        noClasses()
                .that()
                .doNotHaveFullyQualifiedName("cn.tongban.ledger.BundleVerifier")
                .should()
                .accessField(System.class, "out")
                .orShould()
                .accessField(System.class, "err")
                .orShould()
                .callMethod(Throwable.class, "printStackTrace")
                .check(MAIN);
    }

    /** Controllers go through the domain services, which check permissions; never straight to storage. */
    @Test
    void controllersDoNotTouchRepositories() {
        noClasses()
                .that()
                .haveSimpleNameEndingWith("Controller")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("..internal..")
                .check(MAIN);
    }
}
