package dev.hearth.kb.document;

import java.nio.file.Path;

import org.apache.poi.openxml4j.exceptions.InvalidFormatException;
import org.apache.poi.openxml4j.opc.OPCPackage;
import org.apache.poi.openxml4j.opc.PackageAccess;
import org.apache.poi.openxml4j.opc.PackagePart;
import org.apache.poi.openxml4j.opc.PackageRelationshipCollection;
import org.apache.poi.openxml4j.opc.PackageRelationshipTypes;

/**
 * Opens an Office Open XML package read-only and checks that its main part is what the extension
 * promised: POI would otherwise read a Word file named .xlsx as a workbook with no sheets.
 */
final class OfficePackage {

    private OfficePackage() {}

    /**
     * The package, whose main part's content type must contain one of {@code markers}
     * (e.g. {@code "wordprocessingml"}); the caller reverts it when done.
     */
    static OPCPackage open(Path file, Format format, String... markers) throws InvalidFormatException,
            DocumentException {
        OPCPackage pkg = OPCPackage.open(file.toFile(), PackageAccess.READ);
        PackageRelationshipCollection main = pkg.getRelationshipsByType(PackageRelationshipTypes.CORE_DOCUMENT);
        PackagePart part = main.size() == 0 ? null : pkg.getPart(main.getRelationship(0));
        String type = part == null ? "no main part" : part.getContentType();
        for (String marker : markers) {
            if (type.contains(marker)) {
                return pkg;
            }
        }
        pkg.revert(); // a read-only package is released, never saved
        throw new DocumentException(file, "not a ." + format.extensions().getFirst() + " file (its main part is "
                + type + ")");
    }
}
