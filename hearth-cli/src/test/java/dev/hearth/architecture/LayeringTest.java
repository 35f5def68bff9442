package dev.hearth.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stack's layering, as ../shared/STYLE.md states it: dependencies point down only
 * (cli → kb → serve → model → compute; cli → train → model), only compute uses the Vector API, and nothing below the
 * CLI exits the JVM or prints to standard output.
 */
class LayeringTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                // the model module's test-jar (shared test helpers) is on this classpath too
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("dev.hearth");
    }

    @Test
    void importsTheClassesOfEveryModule() {
        // guards the rules below against passing on an empty import (e.g. an unreadable class-file version)
        org.assertj.core.api.Assertions.assertThat(classes.containPackage("dev.hearth.compute.tensor")).isTrue();
        org.assertj.core.api.Assertions.assertThat(classes.containPackage("dev.hearth.model.gguf")).isTrue();
        org.assertj.core.api.Assertions.assertThat(classes.containPackage("dev.hearth.serve.http")).isTrue();
        org.assertj.core.api.Assertions.assertThat(classes.containPackage("dev.hearth.kb.index")).isTrue();
        org.assertj.core.api.Assertions.assertThat(classes.containPackage("dev.hearth.cli")).isTrue();
    }

    @Test
    void dependenciesPointDownTheStackOnly() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("cli").definedBy("dev.hearth.cli..")
                .layer("kb").definedBy("dev.hearth.kb..")
                .layer("train").definedBy("dev.hearth.train..")
                .layer("serve").definedBy("dev.hearth.serve..")
                .layer("model").definedBy("dev.hearth.model..")
                .layer("compute").definedBy("dev.hearth.compute..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("kb").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("train").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("serve").mayOnlyBeAccessedByLayers("kb", "cli")
                .whereLayer("model").mayOnlyBeAccessedByLayers("serve", "kb", "train", "cli")
                .whereLayer("compute").mayOnlyBeAccessedByLayers("model", "serve", "kb", "train", "cli")
                .withOptionalLayers(true)
                .check(classes);
    }

    @Test
    void onlyComputeUsesTheVectorApi() {
        noClasses().that().resideOutsideOfPackage("dev.hearth.compute..")
                .should().dependOnClassesThat().resideInAPackage("jdk.incubator.vector..")
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void theServerSeesModelsOnlyThroughTheEngineSeam() {
        // the HTTP layer, the APIs and the registry use the engine and the model's tokenizer,
        // template, generate and sampling packages, never a model class or an architecture
        noClasses().that().resideInAPackage("dev.hearth.serve..")
                .and().resideOutsideOfPackage("dev.hearth.serve.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.hearth.model.runtime..", "dev.hearth.model.arch..")
                .check(classes);
    }

    @Test
    void knowledgeBasesSeeModelsOnlyThroughTheirSeams() {
        // embeddings through model.runtime's EmbeddingModel on a compute.spi Backend, answers through
        // the server's InferenceEngine: never an architecture or a kernel
        noClasses().that().resideInAPackage("dev.hearth.kb..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.hearth.model.arch..", "dev.hearth.compute.kernels..",
                        "dev.hearth.compute.quant..", "dev.hearth.compute.tensor..")
                .check(classes);
    }

    @Test
    void nothingBelowTheCliExitsOrPrintsToStandardOutput() {
        noClasses().that().resideOutsideOfPackage("dev.hearth.cli..")
                .should().callMethod(System.class, "exit", int.class)
                .orShould().accessField(System.class, "out")
                .check(classes);
    }
}
